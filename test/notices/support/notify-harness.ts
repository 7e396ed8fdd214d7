import { Queue } from 'bullmq';
import type { REST } from 'discord.js';
import { createDiscordNoticeRest, createDiscordNoticeSender } from '../../../adapters/discord/send.js';
import { createSlackNoticeSender } from '../../../adapters/slack/send.js';
import type { Platform } from '../../../src/domain/like-event.js';
import { loadOpenNotices } from '../../../src/notices/enqueue-notices.js';
import type { NoticeSender } from '../../../src/notices/port.js';
import { QUEUES } from '../../../src/queues.js';
import { createLogger } from '../../../src/support/logger.js';
import { createMetrics } from '../../../src/support/metrics.js';
import { createRedis } from '../../../src/support/redis.js';
import { createNotifyWorker } from '../../../workers/notify.worker.js';
import { FakeDiscord } from '../../fakes/discord/fake-discord.js';
import { startFakeSlackApi } from '../../fakes/slack/fake-slack-api.js';
import { createPostgresDatabase } from '../../support/database.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { randomQueuePrefix } from '../../support/queue.js';

export type NoticeRow = {
  id: bigint; kind: string; target: string; part: number; parts: number; platform: string; channel: string | null;
  status: string; reason: string | null; retryable: boolean; attempts: number; message_id: string | null; text: string;
};

/**
 * The notify worker in this process with the real send halves (web-api,
 * @discordjs/rest) pointed at the fake Slack and Discord, on a fresh
 * PostgreSQL database and its own queue prefix. Slack workspaces: T1 and T2
 * are installed, T3 has no token (uninstalled).
 */
export async function startNotifyHarness() {
  const slack = await startFakeSlackApi();
  const tokens = new Map([['T1', slack.addWorkspace('T1').botToken], ['T2', slack.addWorkspace('T2').botToken]]);
  const discord = await FakeDiscord.start({
    guilds: [
      { id: '41771983423143937', channelId: '1166438023365812244', ownerId: '80351110224678999' },
      { id: '41771983423143938', channelId: '1166438023365899999', ownerId: '80351110224678999' },
    ],
  });
  const database = await createPostgresDatabase();
  const prefix = randomQueuePrefix();
  const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
  const redis = createRedis(TEST_REDIS_URL);
  const queue = new Queue(QUEUES.notify, { connection, prefix });
  const metrics = createMetrics();
  let rest: REST | undefined;
  const senders = new Map<Platform, NoticeSender>([
    ['slack', createSlackNoticeSender({ tokenFor: async (team) => tokens.get(team), clientOptions: { slackApiUrl: slack.url } })],
    ['discord', createDiscordNoticeSender(() => (rest ??= createDiscordNoticeRest({ token: discord.token, apiUrl: discord.apiUrl })))],
  ]);
  let worker: ReturnType<typeof createNotifyWorker> | undefined;
  const db = database.prisma;

  const h = {
    slack, discord, database, db, queue, metrics, prefix, redis,
    startWorker(o: { catchUpOnStart?: boolean; sampleMs?: number } = {}) {
      worker = createNotifyWorker({
        db, connection, redis, prefix, senders, holdDays: 90, timeZone: 'UTC', logger: createLogger('silent'), metrics,
        retry: { attempts: 3, backoffMs: 200 }, catchUpOnStart: o.catchUpOnStart ?? false, sampleMs: o.sampleMs,
      });
    },
    async stopWorker() {
      await worker?.close();
      worker = undefined;
    },
    /** Waits until no notice is left to send (every one sent, failed or skipped) and the queue is idle. */
    async drained(timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const open = await loadOpenNotices(db);
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
        if (open.length === 0 && Object.values(counts).every((n) => n === 0)) return;
        if (Date.now() > deadline) throw new Error(`notices still open after ${timeoutMs} ms: ${JSON.stringify({ open: open.length, counts })}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async rows(): Promise<NoticeRow[]> {
      const rows = await db.$queryRawUnsafe<(Omit<NoticeRow, 'text'> & { payload: string })[]>(
        `SELECT id, kind, target, part, parts, platform, channel, status, reason, retryable, attempts, message_id, payload FROM notifications ORDER BY id`);
      return rows.map(({ payload, ...r }) => ({ ...r, text: (JSON.parse(payload) as { text: string }).text }));
    },
    /** Messages the fake Discord holds in a channel (a DM channel is found by its user). */
    discordPosts(where: { channel: string } | { user: string }): Record<string, unknown>[] {
      const channel = 'channel' in where ? where.channel : discord.state.dms.get(where.user);
      return (channel ? discord.state.posted.get(channel) ?? [] : []) as Record<string, unknown>[];
    },
    discordRequests: (path: string) => discord.requests.filter((r) => r.method === 'POST' && r.path === path),
    async close() {
      await worker?.close();
      await queue.close();
      redis.disconnect();
      await slack.close();
      await discord.close();
      await database.drop();
    },
  };
  return h;
}
export type NotifyHarness = Awaited<ReturnType<typeof startNotifyHarness>>;
