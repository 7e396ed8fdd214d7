import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';

/** Extends the lease only if the caller still holds it: a lease that expired and was taken is never stolen back. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
/** Deletes the lease only if the caller still holds it. */
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export type LeaseStore = {
  /** Takes the lease if nobody holds it; resolves with the token that proves holding it, or undefined. */
  acquire(key: string, ttlMs: number): Promise<string | undefined>;
  /** Extends a held lease to ttlMs from now; false when the caller no longer holds it. Rejects when Redis cannot be asked. */
  renew(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Gives a held lease up at once; false when the caller did not hold it (any more). */
  release(key: string, token: string): Promise<boolean>;
};

/**
 * Leases in Redis, the single-instance pattern of the Redis docs
 * (https://redis.io/docs/latest/develop/use/patterns/distributed-locks/):
 * SET key token NX PX ttl to take, a compare-and-PEXPIRE to renew, a
 * compare-and-DEL to release. A holder that dies stops renewing and the key
 * expires, so another process takes over within the ttl. Keys should share
 * the hub's hash-tagged prefix, so Redis Cluster keeps them on one slot.
 */
export function createLeaseStore(redis: Redis): LeaseStore {
  return {
    async acquire(key, ttlMs) {
      const token = randomBytes(16).toString('hex');
      return (await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK' ? token : undefined;
    },
    async renew(key, token, ttlMs) {
      return (await redis.eval(RENEW, 1, key, token, ttlMs)) === 1;
    },
    async release(key, token) {
      return (await redis.eval(RELEASE, 1, key, token)) === 1;
    },
  };
}
