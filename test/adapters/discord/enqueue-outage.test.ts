import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter, type DiscordAdapter, type DiscordAdapterOptions } from '../../../adapters/discord/index.js';
import type { AdapterContext } from '../../../src/adapters/port.js';
import type { LikeEvent } from '../../../src/domain/like-event.js';
import { enqueueLike } from '../../../src/ingest/enqueue-like.js';
import { QUEUES } from '../../../src/queues.js';
import { createLogger } from '../../../src/support/logger.js';
import { createMetrics, type Metrics } from '../../../src/support/metrics.js';
import { FakeDiscord, waitFor } from '../../fakes/discord/fake-discord.js';
import { randomQueuePrefix } from '../../support/queue.js';
import { startDedicatedRedis, type DedicatedRedis } from './redis-server.js';

const AUTHOR = '53908232506183680';
const LIKER = '80351110224678912';
const message = (n: number) => String(1300000000000000000n + BigInt(n));

/**
 * A reaction the likes queue cannot take (its Redis is down) waits in the
 * adapter and is enqueued when Redis is back; what must be given up is
 * counted in flattr_likes_dropped_total. The outage is real: the test's own
 * redis-server is shut down and restarted. The queue's connection fails
 * commands at once while disconnected (no offline queue), as ioredis does in
 * production once its reconnect attempts per command are used up.
 */
describe('discord reactions while the likes queue is unreachable', () => {
  let redis: DedicatedRedis;
  let fake: FakeDiscord;
  let queue: Queue;
  let adapter: DiscordAdapter | undefined;
  let metrics: Metrics;

  beforeAll(async () => {
    redis = await startDedicatedRedis();
    fake = await FakeDiscord.start({ heartbeatInterval: 200 });
  });
  afterEach(async () => {
    redis.thaw();
    await redis.restart();
    await adapter?.stop();
    await queue?.close().catch(() => undefined);
  });
  afterAll(async () => {
    await fake?.close();
    await redis?.close();
  });

  async function start(options: DiscordAdapterOptions['likeBuffer'] = {}, stopTimeoutMs?: number) {
    queue = new Queue(QUEUES.likes, { connection: { url: redis.url, enableOfflineQueue: false, maxRetriesPerRequest: 0 }, prefix: randomQueuePrefix() });
    queue.on('error', () => {});
    await queue.waitUntilReady();
    metrics = createMetrics();
    const ctx: AdapterContext = {
      emitLike: (event) => enqueueLike(queue, event), ignore: () => {}, db: undefined as never, cipher: undefined as never,
      logger: createLogger('silent'), metrics, publicUrl: 'http://localhost', now: () => new Date(),
    };
    adapter = createDiscordAdapter({ token: fake.token, applicationId: fake.applicationId, apiUrl: fake.apiUrl }, ctx, {
      redis: { url: redis.url, prefix: randomQueuePrefix() }, readyTimeoutMs: 10_000, likeBuffer: { initialBackoffMs: 50, maxBackoffMs: 500, ...options }, ...(stopTimeoutMs ? { stopTimeoutMs } : {}),
    });
    await adapter.start();
  }
  /** Reactions the client has received (acknowledged in a heartbeat). */
  async function react(from: number, count: number) {
    let last = 0;
    for (let n = from; n < from + count; n++) last = fake.react('add', { messageId: message(n), userId: LIKER, emoji: '⭐', authorId: AUTHOR });
    await waitFor(() => fake.gateway.acknowledged >= last, 'the client to acknowledge the reactions');
  }
  /** The reacted messages of the queued likes, oldest job first. */
  const enqueued = async () => {
    const jobs = await queue.getJobs(['waiting'], 0, -1, true);
    return jobs.map((job) => (job.data as { event: LikeEvent }).event.item.split(':')[2]);
  };
  const dropped = async () => Object.fromEntries((await metrics.likesDropped.get()).values.map((v) => [v.labels.reason, v.value]));

  it('enqueues every reaction of the outage, in order, once Redis is back', async () => {
    await start();
    await react(0, 1);
    await adapter!.idle();
    await redis.stop();
    await react(1, 3);
    expect((await metrics.likesBuffered.get()).values[0]?.value).toBe(3);
    await redis.restart();
    await adapter!.idle();
    expect(await enqueued()).toEqual([0, 1, 2, 3].map(message));
    expect(await dropped()).toEqual({});
  });

  it('counts what overflows a full buffer as dropped, and enqueues the rest', async () => {
    await start({ capacity: 2 });
    await redis.stop();
    await react(10, 5);
    expect(await dropped()).toEqual({ overflow: 3 });
    await redis.restart();
    await adapter!.idle();
    expect(await enqueued()).toEqual([10, 11].map(message));
  });

  it('stops within its bound while Redis is frozen, counting the like it could not enqueue', async () => {
    await start({}, 1_000);
    redis.freeze();
    await react(20, 1);
    const started = Date.now();
    await adapter!.stop();
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await dropped()).toEqual({ shutdown: 1 });
  }, 20_000);
});
