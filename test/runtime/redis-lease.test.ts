import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { createLeaseStore } from '../../src/support/redis-lease.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';

describe('createLeaseStore', () => {
  const redis = new Redis(TEST_REDIS_URL);
  const leases = createLeaseStore(redis);
  const key = `${randomQueuePrefix()}:lease`;
  afterAll(async () => {
    await redis.del(key);
    redis.disconnect();
  });

  it('gives a free lease to one holder, renews and releases it only for that holder', async () => {
    const mine = await leases.acquire(key, 5_000);
    expect(mine).toMatch(/^[0-9a-f]{32}$/);
    expect(await leases.acquire(key, 5_000)).toBeUndefined();
    expect(await leases.renew(key, 'not-the-token', 60_000)).toBe(false);
    expect(await leases.renew(key, mine!, 60_000)).toBe(true);
    expect(await redis.pttl(key)).toBeGreaterThan(50_000);
    expect(await leases.release(key, 'not-the-token')).toBe(false);
    expect(await leases.release(key, mine!)).toBe(true);
    expect(await leases.acquire(key, 5_000)).toBeDefined();
  });

  it('lets an expired lease go to the next taker, and never back to the old holder', async () => {
    await redis.del(key);
    const old = (await leases.acquire(key, 50))!;
    await new Promise((resolve) => setTimeout(resolve, 80));
    const next = await leases.acquire(key, 5_000);
    expect(next).toBeDefined();
    expect(await leases.renew(key, old, 5_000)).toBe(false);
    expect(await leases.release(key, old)).toBe(false);
    expect(await redis.get(key)).toBe(next);
  });
});
