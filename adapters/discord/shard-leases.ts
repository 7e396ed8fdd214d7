import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Logger } from '../../src/support/logger.js';
import { createLeaseStore } from '../../src/support/redis-lease.js';

export type ShardLeaseOptions = {
  /** How long a lease outlives its holder's last renewal. */
  ttlMs?: number;
  renewEveryMs?: number;
  /** How often a process tries to take the shards nobody holds. */
  acquireEveryMs?: number;
};

/** A dead holder's shard is connected again within ttl + acquireEvery = 23 s (docs/architecture.md). */
export const SHARD_LEASE_DEFAULTS = { ttlMs: 20_000, renewEveryMs: 5_000, acquireEveryMs: 3_000 } as const;

export type ShardLeaseDeps = {
  redis: Redis;
  /** The hub's hash-tagged QUEUE_PREFIX: keys are `${prefix}:discord:shard:<id>` and `${prefix}:discord:shard-count`. */
  prefix: string;
  logger: Logger;
  /** This process now holds the shard: connect it. */
  onAcquired(shard: number, shardCount: number): void;
  /** The shard must go at once: resolve once its gateway connection is closed (the lease is released after). */
  onLost(shard: number): Promise<void>;
};

export type ShardLeases = {
  /** The shard count every process uses: the first process's, kept in Redis while any shard is held. */
  readonly shardCount: number;
  held(): number[];
  /** One round of taking free shards (resolves with those held), then renews and retries in the background. */
  start(): Promise<number[]>;
  /** Gives one shard up (its connection failed): disconnected, then released, and tried again later. */
  drop(shard: number): Promise<void>;
  /** Stops renewing and retrying, disconnects every held shard, then releases its lease. */
  stop(): Promise<void>;
};

type Held = { token: string; watchdog?: NodeJS.Timeout };

/**
 * Each gateway shard is connected from one process at a time
 * (docs/architecture.md): a process connects only the shards whose lease it holds. A
 * holder renews every renewEveryMs; a lease it could not renew for
 * ttl - margin (Redis unreachable, a partition) or that another process
 * holds is dropped at once, before Redis lets the lease go, so two
 * connections of one shard never overlap. Another process takes a free
 * shard at its next acquire round.
 */
export function createShardLeases(deps: ShardLeaseDeps, recommendedCount: number, options: ShardLeaseOptions = {}): ShardLeases {
  const { ttlMs, renewEveryMs, acquireEveryMs } = { ...SHARD_LEASE_DEFAULTS, ...options };
  // The local deadline comes before Redis's expiry by this much: time for the connection to close.
  const margin = Math.min(2_000, ttlMs / 5);
  if (renewEveryMs >= ttlMs - margin) throw new Error(`shard lease: renewEveryMs (${renewEveryMs}) must be below ttlMs - ${margin} (${ttlMs - margin})`);
  const { redis, logger } = deps;
  const store = createLeaseStore(redis);
  const keyOf = (shard: number) => `${deps.prefix}:discord:shard:${shard}`;
  const countKey = `${deps.prefix}:discord:shard-count`;
  const held = new Map<number, Held>();
  const timers: NodeJS.Timeout[] = [];
  let count = recommendedCount;
  let stopped = false;
  let acquiring = false;
  let renewing = false;
  let acquireFailing = false;
  let renewFailing = false;

  const arm = (shard: number, entry: Held, sentAt: number) => {
    clearTimeout(entry.watchdog);
    entry.watchdog = setTimeout(() => void lose(shard, entry, 'not renewed in time'), sentAt + ttlMs - margin - performance.now());
    entry.watchdog.unref();
  };

  async function lose(shard: number, entry: Held | undefined, why: string): Promise<void> {
    if (!entry || held.get(shard) !== entry) return;
    held.delete(shard);
    clearTimeout(entry.watchdog);
    if (why !== 'stopping') logger.warn({ shard, why }, 'discord: gateway shard lease lost; disconnecting the shard');
    await deps.onLost(shard).catch((error: unknown) => logger.error({ err: error, shard }, 'discord: could not disconnect a shard'));
    // Only now that the connection is closed may another process take the shard.
    await store.release(keyOf(shard), entry.token).catch(() => false);
  }

  /** Every process uses one shard count, or two could connect the same guild under different shard numbers. */
  async function agreeOnCount(): Promise<void> {
    await redis.set(countKey, String(recommendedCount), 'PX', ttlMs, 'NX');
    const agreed = Number(await redis.get(countKey));
    if (!Number.isInteger(agreed) || agreed < 1 || agreed === count) return;
    logger.warn({ recommended: recommendedCount, agreed }, 'discord: other processes run another shard count; using theirs (stop every api process to reshard)');
    await Promise.all([...held].map(([shard, entry]) => lose(shard, entry, 'shard count changed')));
    count = agreed;
  }

  async function acquireRound(): Promise<void> {
    if (stopped || acquiring) return;
    acquiring = true;
    try {
      await agreeOnCount();
      for (let shard = 0; shard < count && !stopped; shard++) {
        if (held.has(shard)) continue;
        const sentAt = performance.now();
        const token = await store.acquire(keyOf(shard), ttlMs);
        if (!token) continue;
        if (stopped) {
          await store.release(keyOf(shard), token);
          break;
        }
        const entry: Held = { token };
        held.set(shard, entry);
        arm(shard, entry, sentAt);
        logger.info({ shard, shardCount: count }, 'discord: took the gateway shard lease');
        deps.onAcquired(shard, count);
      }
      if (acquireFailing) logger.info('discord: shard leases reachable again');
      acquireFailing = false;
    } catch (error) {
      if (!acquireFailing) logger.warn({ err: error }, 'discord: could not take gateway shard leases (Redis unreachable); retrying');
      acquireFailing = true;
    } finally {
      acquiring = false;
    }
  }

  async function renewRound(): Promise<void> {
    if (stopped || renewing || held.size === 0) return;
    renewing = true;
    let failed: unknown;
    try {
      await Promise.all([...held].map(async ([shard, entry]) => {
        const sentAt = performance.now();
        try {
          const mine = await store.renew(keyOf(shard), entry.token, ttlMs);
          if (held.get(shard) !== entry) return;
          if (mine) arm(shard, entry, sentAt);
          else await lose(shard, entry, 'held by another process');
        } catch (error) {
          failed = error;
        }
      }));
      if (held.size > 0) await redis.pexpire(countKey, ttlMs).catch(() => undefined);
    } finally {
      renewing = false;
    }
    if (failed && !renewFailing) logger.warn({ err: failed, held: [...held.keys()] }, `discord: could not renew gateway shard leases; shards are dropped if this lasts ${ttlMs - margin} ms`);
    if (!failed && renewFailing) logger.info('discord: gateway shard leases renewed again');
    renewFailing = failed !== undefined;
  }

  return {
    get shardCount() {
      return count;
    },
    held: () => [...held.keys()].sort((a, b) => a - b),
    async start() {
      await acquireRound();
      if (!stopped) {
        timers.push(setInterval(() => void renewRound(), renewEveryMs), setInterval(() => void acquireRound(), acquireEveryMs));
        for (const timer of timers) timer.unref();
      }
      return this.held();
    },
    drop: (shard) => lose(shard, held.get(shard), 'connection failed'),
    async stop() {
      stopped = true;
      for (const timer of timers.splice(0)) clearInterval(timer);
      await Promise.all([...held].map(([shard, entry]) => lose(shard, entry, 'stopping')));
    },
  };
}
