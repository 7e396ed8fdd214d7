import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackNoticeSender } from '../../adapters/slack/send.js';
import { enqueueNoticeSends, loadOpenNotices } from '../../src/notices/enqueue-notices.js';
import type { NoticeSender } from '../../src/notices/port.js';
import { QUEUES } from '../../src/queues.js';
import { createLogger } from '../../src/support/logger.js';
import { createRedis } from '../../src/support/redis.js';
import { createNotifyWorker } from '../../workers/notify.worker.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';
import { PERIOD } from './support/notice-world.js';

/** Single-message digests queued behind the split one, each answered in SLOW_MS at least: 3 s of sends for a worker of concurrency 1. */
const BACKLOG = 300;
const SLOW_MS = 10;

/**
 * A notice that waited for its turn (the channel's pace, the part before
 * it, a 429) goes when its turn comes, not behind every notice queued in
 * the meantime: BullMQ puts a delayed job that comes due at the back of the
 * waiting list, which a month's notices fill all at once (bench/notify:
 * second parts of Slack digests waited up to 21 s behind 2,000 others).
 */
describe('a notice whose turn came goes before the backlog', () => {
  let slack: FakeSlackApi;
  let database: TestDatabase;
  let worker: ReturnType<typeof createNotifyWorker> | undefined;
  const prefix = randomQueuePrefix();
  const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
  const redis = createRedis(TEST_REDIS_URL);
  const queue = new Queue(QUEUES.notify, { connection, prefix });

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    const token = slack.addWorkspace('T1').botToken;
    slack.paceChannels(1_000);
    database = await createPostgresDatabase();
    // A digest in two parts in CSPLIT, queued first, then one single-message digest per channel.
    await database.prisma.$executeRawUnsafe(
      `INSERT INTO notifications (kind, period, target, part, parts, platform, community, channel, payload)
       SELECT 'digest', $1, 'slack:T1', p, 2, 'slack', 'T1', 'CSPLIT', json_build_object('text', $2 || ' (' || p || '/2)', 'mentions', '[]'::json)::text
         FROM generate_series(1, 2) p`,
      PERIOD, 'flattr-hub payouts');
    await database.prisma.$executeRawUnsafe(
      `INSERT INTO notifications (kind, period, target, platform, community, channel, payload)
       SELECT 'digest', $1, 'slack:T1-' || n, 'slack', 'T1', 'C' || n, $2 FROM generate_series(1, $3::int) n`,
      PERIOD, JSON.stringify({ text: 'flattr-hub payouts', mentions: [] }), BACKLOG);
    const real = createSlackNoticeSender({ tokenFor: async () => token, clientOptions: { slackApiUrl: slack.url } });
    // A platform that takes SLOW_MS to answer, so the backlog outlasts the pace whatever the machine.
    const slow: NoticeSender = { ...real, send: async (n) => { await new Promise((resolve) => setTimeout(resolve, SLOW_MS)); return real.send(n); } };
    const senders = new Map([['slack' as const, slow]]);
    worker = createNotifyWorker({
      db: database.prisma, connection, redis, prefix, senders, holdDays: 90, timeZone: 'UTC', logger: createLogger('silent'),
      concurrency: 1, catchUpOnStart: false,
    });
    await enqueueNoticeSends(queue, await loadOpenNotices(database.prisma));
    for (const deadline = Date.now() + 120_000; (await loadOpenNotices(database.prisma)).length > 0;) {
      if (Date.now() > deadline) throw new Error('notices still open after 120 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 150_000);
  afterAll(async () => {
    await worker?.close();
    await queue.close();
    redis.disconnect();
    await slack?.close();
    await database?.drop();
  });

  it('sends the second part of a split digest one pace after the first, while the backlog is still being sent', () => {
    const posts = slack.callsTo('chat.postMessage').filter((c) => c.answered === 'ok');
    expect(posts).toHaveLength(BACKLOG + 2);
    const split = posts.filter((c) => c.params.channel === 'CSPLIT');
    expect(split.map((c) => c.params.text)).toEqual(['flattr-hub payouts (1/2)', 'flattr-hub payouts (2/2)']);
    const backlogDone = Math.max(...posts.filter((c) => c.params.channel !== 'CSPLIT').map((c) => c.at));
    // The backlog outlasts the pace, so the second part's turn came while it was being sent…
    expect(backlogDone - split[0]!.at).toBeGreaterThan(BACKLOG * SLOW_MS);
    // …and it went then, not after the backlog.
    expect(split[1]!.at).toBeLessThan(backlogDone);
    expect(split[1]!.at - split[0]!.at).toBeGreaterThanOrEqual(1_000);
    expect(split[1]!.at - split[0]!.at).toBeLessThan(2_000);
    expect(slack.channelRateLimited()).toBe(0);
  });
});
