import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/support/metrics.js';
import { createLogger } from '../../../src/support/logger.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { startXPolling } from '../../../workers/x-poll.worker.js';
import { post, startPollWorld, type PollWorld } from './poll-harness.js';

const INTERVAL = 15 * 60_000;

async function until<T>(probe: () => Promise<T | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the x-poll worker: one job scheduler ticks, each due supporter polled by its own job', () => {
  let world: PollWorld;
  beforeAll(async () => {
    world = await startPollWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('polls on the tick through BullMQ, and two processes upserting the scheduler leave one', async () => {
    const nia = '2000000000000000801';
    const { identityId } = await world.connect(nia);
    const metrics = createMetrics();
    const start = (m = metrics) => startXPolling({
      db: world.db, connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, redis: world.redis, prefix: world.prefix,
      settings: { ...world.deps.settings, tickSeconds: 1 }, x: world.deps.x, tokens: world.deps.tokens, likes: world.likes,
      logger: createLogger('silent'), metrics: m, now: () => world.clock.now,
    });
    const one = await start();
    const two = await start(createMetrics());
    try {
      expect(await one.queue.getJobSchedulers()).toHaveLength(1);
      await until(async () => (await world.state(identityId))?.baselined, 'the baseline poll');
      const p = post('3000000000000000801');
      world.liked.like(nia, p);
      world.advance(INTERVAL);
      await until(async () => (await world.flattrs()).find((f) => f.item === p.id && f.status === 'active'), 'the polled like to become a flattr');
      const text = await metrics.registry.metrics();
      expect(text).toMatch(/flattr_x_poll_supporters 1/);
      // 75 requests per 15 minutes, a poll every 15 minutes of at most 3 pages.
      expect(text).toMatch(/flattr_x_poll_capacity 25/);
    } finally {
      await one.queue.removeJobScheduler('x-poll-tick');
      await Promise.all([one.close(), two.close()]);
    }
    // Every poll of the supporter read X once per tick that found it due: never twice at once.
    const reads = world.liked.reads.filter((r) => r.userId === nia);
    expect(reads.length).toBeGreaterThanOrEqual(2);
    expect(new Set(reads.map((r) => r.paginationToken))).toEqual(new Set([undefined]));
  });
});
