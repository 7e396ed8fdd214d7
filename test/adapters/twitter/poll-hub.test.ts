import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { startHub } from '../../../src/main.js';
import { QUEUES } from '../../../src/queues.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { randomQueuePrefix } from '../../support/queue.js';
import { startPollWorld, type PollWorld } from './poll-harness.js';

/**
 * The composition root starts polling when TWITTER_MODE asks for it: a
 * worker hub decrypts the supporter's stored grant, reads their liked Posts
 * from the fake X through twitter-api-v2 on its tick scheduler, and a hub
 * back on webhooks only removes that scheduler.
 */
describe('X polling in a worker hub', () => {
  let world: PollWorld;
  let env: Record<string, string>;
  let queue: Queue;
  beforeAll(async () => {
    world = await startPollWorld();
    const prefix = randomQueuePrefix();
    env = {
      DATABASE_URL: world.databaseUrl, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, DATA_DIR: await mkdtemp(path.join(tmpdir(), 'flattr-xpoll-')),
      LOG_LEVEL: 'silent', TOKEN_ENCRYPTION_KEY: world.tokenKey,
      TWITTER_CLIENT_ID: world.x.app.clientId, TWITTER_CLIENT_SECRET: world.x.app.clientSecret, TWITTER_API_URL: world.x.url, TWITTER_MODE: 'poll',
    };
    queue = new Queue(QUEUES.xPoll, { connection: { url: TEST_REDIS_URL }, prefix });
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
    await world?.close();
  });

  it('polls a connected supporter with TWITTER_MODE=poll, and drops the tick scheduler with TWITTER_MODE=webhook', async () => {
    const nia = '2000000000000000901';
    await world.connect(nia, { enable: ['twitter'] });
    const hub = await startHub(loadConfig(env), { role: 'worker', now: () => world.clock.now });
    try {
      expect((await queue.getJobSchedulers()).map((s) => s.key)).toEqual(['x-poll-tick']);
      // The first poll of a supporter records where their likes stand (a baseline): X was asked, with their token.
      await expect.poll(() => world.liked.reads.filter((r) => r.userId === nia && r.status === 200).length, { timeout: 30_000 }).toBeGreaterThan(0);
    } finally {
      await hub.close();
    }
    const webhookOnly = await startHub(loadConfig({ ...env, TWITTER_MODE: 'webhook', TWITTER_CONSUMER_SECRET: 'consumer-secret', TWITTER_BEARER_TOKEN: 'bearer' }), { role: 'worker', now: () => world.clock.now });
    try {
      expect(await queue.getJobSchedulers()).toEqual([]);
    } finally {
      await webhookOnly.close();
    }
  }, 90_000);
});
