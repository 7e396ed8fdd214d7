import { Redis as IORedis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/support/logger.js';
import { acceptsGzip } from '../../src/web/prepared-answer.js';
import { memoized, ViewCache } from '../../src/web/view-cache.js';
import { WebViews } from '../../src/web/web-views.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';

/** A reading that the test finishes by hand, counting how often it was asked for. */
function readings() {
  const made: { value: number; finish: (v?: number) => void; fail: (e: Error) => void }[] = [];
  const read = () => new Promise<number>((resolve, reject) => {
    const value = made.length + 1;
    made.push({ value, finish: (v = value) => resolve(v), fail: reject });
  });
  return { made, read };
}
const settle = () => new Promise((r) => setImmediate(r));

describe('ViewCache: what a signed-in page shows, kept per user for a moment', () => {
  const cache = () => new ViewCache<number>({ ttlMs: 2_000, staleMs: 3_000, maxWeight: 10, weigh: (v) => v });

  it('concurrent views share one reading, and views within ttlMs reuse it', async () => {
    const c = cache();
    const { made, read } = readings();
    const a = c.get(1, 'month', 0, read);
    const b = c.get(1, 'month', 10, read);
    made[0]!.finish();
    expect((await a).value).toBe(1);
    expect(await b).toBe(await a);
    expect((await c.get(1, 'month', 1_999, read)).value).toBe(1);
    expect(made).toHaveLength(1);
  });

  it('past ttlMs a view is answered at once from the kept reading while the next one is read; once read, views get the new one', async () => {
    const c = cache();
    const { made, read } = readings();
    const first = c.get(1, 'month', 0, read);
    made[0]!.finish();
    await first;
    expect((await c.get(1, 'month', 2_500, read)).value).toBe(1);
    expect((await c.get(1, 'month', 2_600, read)).value).toBe(1);
    expect(made).toHaveLength(2);
    made[1]!.finish();
    await settle();
    expect((await c.get(1, 'month', 2_700, read)).value).toBe(2);
  });

  it('a reading older than ttlMs + staleMs is never shown: the view waits for a new one', async () => {
    const c = cache();
    const { made, read } = readings();
    const first = c.get(1, 'month', 0, read);
    made[0]!.finish();
    await first;
    const late = c.get(1, 'month', 5_000, read);
    expect(made).toHaveLength(2);
    made[1]!.finish();
    expect((await late).value).toBe(2);
  });

  it('forgetUser: the next view reads afresh, and a reading begun before the forget is not kept', async () => {
    const c = cache();
    const { made, read } = readings();
    const before = c.get(1, 'month', 0, read);
    c.forgetUser(1);
    made[0]!.finish();
    await before;
    const after = c.get(1, 'month', 1, read);
    made[1]!.finish();
    expect((await after).value).toBe(2);
    expect((await c.get(1, 'month', 2, read)).value).toBe(2);
    expect((await c.get(2, 'month', 2, async () => 1)).value).toBe(1);
  });

  it('a failed reading is not kept; a failed refresh leaves the kept one and is tried again', async () => {
    const c = cache();
    const { made, read } = readings();
    const failing = c.get(1, 'month', 0, read);
    made[0]!.fail(new Error('database gone'));
    await expect(failing).rejects.toThrow('database gone');
    const ok = c.get(1, 'month', 1, read);
    made[1]!.finish();
    expect((await ok).value).toBe(2);
    expect((await c.get(1, 'month', 2_100, read)).value).toBe(2);
    made[2]!.fail(new Error('blip'));
    await settle();
    expect((await c.get(1, 'month', 2_200, read)).value).toBe(2);
    expect(made).toHaveLength(4);
  });

  it('is bounded by the weight it holds: the oldest user goes first', async () => {
    const c = cache();
    await c.get(1, 'month', 0, async () => 6);
    await c.get(2, 'month', 0, async () => 6);
    let reads = 0;
    expect((await c.get(2, 'month', 1, async () => { reads++; return 6; })).value).toBe(6);
    expect(reads).toBe(0);
    expect((await c.get(1, 'month', 1, async () => { reads++; return 5; })).value).toBe(5);
    expect(reads).toBe(1);
  });

  it('memoized: made once per reading', async () => {
    const c = cache();
    const kept = await c.get(1, 'month', 0, async () => 1);
    let made = 0;
    expect(memoized(kept, 'page', () => ++made)).toBe(1);
    expect(memoized(kept, 'page', () => ++made)).toBe(1);
    expect(memoized(kept, 'other', () => ++made)).toBe(2);
  });
});

describe('acceptsGzip (RFC 9110 Accept-Encoding)', () => {
  it.each([
    ['gzip, deflate, br, zstd', true], ['br;q=1.0, gzip;q=0.8, *;q=0.1', true], ['*', true], ['x-gzip', true],
    [undefined, false], ['', false], ['identity', false], ['br', false], ['gzip;q=0', false], ['gzip;q=0.0, br', false],
  ])('%s: %s', (header, accepted) => {
    expect(acceptsGzip(header)).toBe(accepted);
  });
});

describe('WebViews.share: api processes tell each other what to forget', () => {
  it('a change made through one process makes the other read afresh', async () => {
    const redis = new IORedis(TEST_REDIS_URL);
    const channel = `${randomQueuePrefix()}:web-views:forget`;
    const [a, b] = [new WebViews(), new WebViews()];
    const stops = [await a.share(redis, channel, createLogger('silent')), await b.share(redis, channel, createLogger('silent'))];
    try {
      let reads = 0;
      const read = async () => { reads++; return undefined; };
      await b.month.get(7, 'month', 0, read);
      await b.month.get(7, 'month', 1, read);
      expect(reads).toBe(1);
      a.forgetUser(7);
      await expect.poll(async () => { await b.month.get(7, 'month', 2, read); return reads; }, { interval: 10 }).toBe(2);
    } finally {
      for (const stop of stops) await stop();
      redis.disconnect();
    }
  });
});
