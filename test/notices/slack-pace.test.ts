import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSlackNoticeSender } from '../../adapters/slack/send.js';
import { createChannelPacer } from '../../src/notices/channel-pacer.js';
import { deliverNotice } from '../../src/notices/deliver-notice.js';
import { createRedis } from '../../src/support/redis.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack/fake-slack-api.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';
import { PERIOD } from './support/notice-world.js';

/**
 * Slack takes one message per second per channel. The next message in a
 * channel waits a second from Slack's answer to the last one (after it
 * arrived, so never a 429), and no more: a long digest's parts go at the
 * pace Slack allows (bench/notify: with 50 ms to spare on top, its parts
 * went at 84% of it).
 */
describe('the Slack pace of one channel', () => {
  let slack: FakeSlackApi;
  let database: TestDatabase;
  const redis = createRedis(TEST_REDIS_URL);

  beforeAll(async () => {
    slack = await startFakeSlackApi();
    slack.paceChannels(1_000);
    database = await createPostgresDatabase();
  });
  afterAll(async () => {
    redis.disconnect();
    await slack?.close();
    await database?.drop();
  });

  it('lets the next part go one second after Slack answered the last, never sooner', async () => {
    const token = slack.addWorkspace('T1').botToken;
    const deps = {
      db: database.prisma, pacer: createChannelPacer(redis, randomQueuePrefix()),
      senders: new Map([['slack' as const, createSlackNoticeSender({ tokenFor: async () => token, clientOptions: { slackApiUrl: slack.url } })]]),
    };
    const ids = (await database.prisma.$queryRawUnsafe<{ id: bigint }[]>(
      `INSERT INTO notifications (kind, period, target, part, parts, platform, community, channel, payload)
       SELECT 'digest', $1, 'slack:T1', p, 2, 'slack', 'T1', 'CPACE', json_build_object('text', 'payouts (' || p || '/2)', 'mentions', '[]'::json)::text
         FROM generate_series(1, 2) p RETURNING id`, PERIOD)).map((r) => r.id);

    expect(await deliverNotice(deps, ids[0]!, { finalAttempt: false })).toMatchObject({ outcome: 'sent' });
    const answered = Date.now();
    const next = await deliverNotice(deps, ids[1]!, { finalAttempt: false });
    expect(next).toMatchObject({ outcome: 'wait', why: 'pace' });
    const at = (next as { at: number }).at;
    const [first] = slack.callsTo('chat.postMessage');
    expect(at - first!.at).toBeGreaterThanOrEqual(1_000);
    expect(at).toBeLessThanOrEqual(answered + 1_000);

    await new Promise((resolve) => setTimeout(resolve, at - Date.now()));
    expect(await deliverNotice(deps, ids[1]!, { finalAttempt: false })).toMatchObject({ outcome: 'sent' });
    expect(slack.callsTo('chat.postMessage').map((c) => c.answered)).toEqual(['ok', 'ok']);
    expect(slack.channelRateLimited()).toBe(0);
  });

  it('sits out a turn a moment away instead of rescheduling it, which would cost the queue\'s latency on top', async () => {
    const token = slack.addWorkspace('T2').botToken;
    const deps = {
      db: database.prisma, pacer: createChannelPacer(redis, randomQueuePrefix()),
      senders: new Map([['slack' as const, createSlackNoticeSender({ tokenFor: async () => token, clientOptions: { slackApiUrl: slack.url } })]]),
    };
    const ids = (await database.prisma.$queryRawUnsafe<{ id: bigint }[]>(
      `INSERT INTO notifications (kind, period, target, part, parts, platform, community, channel, payload)
       SELECT 'digest', $1, 'slack:T2', p, 2, 'slack', 'T2', 'CSOON', json_build_object('text', 'payouts (' || p || '/2)', 'mentions', '[]'::json)::text
         FROM generate_series(1, 2) p RETURNING id`, PERIOD)).map((r) => r.id);
    expect(await deliverNotice(deps, ids[0]!, { finalAttempt: false })).toMatchObject({ outcome: 'sent' });
    // The next part comes back (the queue's order poll) a little before its turn: it waits the rest in place and goes.
    await new Promise((resolve) => setTimeout(resolve, 1_000 - 100));
    expect(await deliverNotice(deps, ids[1]!, { finalAttempt: false })).toMatchObject({ outcome: 'sent' });
    const posts = slack.callsTo('chat.postMessage').filter((c) => c.params.channel === 'CSOON');
    expect(posts.map((c) => c.answered)).toEqual(['ok', 'ok']);
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(1_000);
  });
});
