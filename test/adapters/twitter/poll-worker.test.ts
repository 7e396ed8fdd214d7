import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/support/metrics.js';
import { createLogger } from '../../../src/support/logger.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { loadConfig, ConfigError } from '../../../src/config.js';
import { startXPolling, startXPollingFromConfig, X_POLL_JOB } from '../../../workers/x-poll.worker.js';
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

  it('runs as configured: TWITTER_MODE and TWITTER_POLL_* parsed by the config, the token store as token source', async () => {
    const env = {
      TWITTER_CLIENT_ID: world.x.app.clientId, TWITTER_CLIENT_SECRET: world.x.app.clientSecret, TWITTER_API_URL: world.x.url,
      TWITTER_MODE: 'both', TWITTER_POLL_INTERVAL: '600', TWITTER_POLL_MAX_PAGES: '2', TWITTER_POLL_PAGE_SIZE: '20',
    };
    const twitter = loadConfig(env).twitter!;
    expect({ mode: twitter.mode, poll: twitter.poll }).toEqual({ mode: 'both', poll: { intervalSeconds: 600, maxPages: 2, pageSize: 20 } });
    expect(loadConfig({ TWITTER_CLIENT_ID: 'id' }).twitter).toMatchObject({ mode: 'webhook', poll: { intervalSeconds: 900, maxPages: 1, pageSize: 100 } });
    const refused = (() => {
      try {
        loadConfig({ ...env, TWITTER_MODE: 'stream', TWITTER_POLL_INTERVAL: '10', TWITTER_POLL_MAX_PAGES: '0', TWITTER_POLL_PAGE_SIZE: '101' });
      } catch (error) {
        return error as ConfigError;
      }
    })();
    expect(refused?.problems.map((p) => p.split(':')[0]).sort()).toEqual(['TWITTER_MODE', 'TWITTER_POLL_INTERVAL', 'TWITTER_POLL_MAX_PAGES', 'TWITTER_POLL_PAGE_SIZE']);

    const ola = '2000000000000000811';
    const { identityId } = await world.connect(ola);
    const polling = await startXPollingFromConfig(twitter, {
      db: world.db, connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, redis: world.redis, prefix: world.prefix, cipher: world.cipher,
      likes: world.likes, logger: createLogger('silent'), metrics: createMetrics(), now: () => world.clock.now,
    });
    try {
      world.advance(INTERVAL);
      await polling.queue.add(X_POLL_JOB.tick, {});
      await until(async () => (await world.state(identityId))?.baselined, 'the baseline poll');
      expect(world.liked.reads.filter((r) => r.userId === ola).map((r) => r.maxResults)).toEqual([20]);
    } finally {
      await polling.queue.removeJobScheduler(X_POLL_JOB.tick);
      await polling.close();
    }
  });
});
