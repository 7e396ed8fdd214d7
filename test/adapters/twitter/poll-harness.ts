import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { createXAccessTokens } from '../../../adapters/twitter/access-token.js';
import { createPollMetrics } from '../../../adapters/twitter/poll/poll-metrics.js';
import { pollSettings, type PollSettings } from '../../../adapters/twitter/poll/poll-settings.js';
import { pollTick } from '../../../adapters/twitter/poll/poll-tick.js';
import { pollUser, type PollDeps, type PollOutcome } from '../../../adapters/twitter/poll/poll-user.js';
import { saveXGrant } from '../../../adapters/twitter/token-store.js';
import type { LikeEvent } from '../../../src/domain/like-event.js';
import { enqueueLike } from '../../../src/ingest/enqueue-like.js';
import { QUEUES } from '../../../src/queues.js';
import { createLogger, type Logger } from '../../../src/support/logger.js';
import { createMetrics } from '../../../src/support/metrics.js';
import { createTokenCipher } from '../../../src/support/token-cipher.js';
import { createIngestWorker } from '../../../workers/ingest.worker.js';
import { createPostgresDatabase, type TestDatabase } from '../../support/database.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { randomQueuePrefix } from '../../support/queue.js';
import { supporter } from '../../support/world.js';
import { addLikedTweets, type FakeLikedTweets } from '../../fakes/twitter/liked-tweets.js';
import { startFakeX, type FakeX } from '../../fakes/twitter/server.js';

const SCOPES = ['tweet.read', 'users.read', 'like.read', 'offline.access'];

export type PollWorld = Awaited<ReturnType<typeof startPollWorld>>;

/**
 * The poller against the fake X through the real twitter-api-v2 client, the
 * real token store (adapters/twitter/access-token.ts), a fresh PostgreSQL
 * database, and the real ingest worker on a fresh queue prefix; one clock
 * for X, the poller and the ingest, moved by the test.
 */
export async function startPollWorld(options: { settings?: Partial<PollSettings>; logger?: Logger; appLimit?: number } = {}) {
  const database: TestDatabase = await createPostgresDatabase();
  const db = database.prisma;
  const clock = { now: new Date('2026-11-10T09:00:00.000Z') };
  const now = () => clock.now;
  const x: FakeX = await startFakeX({ now: () => clock.now.getTime() });
  const liked: FakeLikedTweets = addLikedTweets(x, { now: () => clock.now.getTime(), appLimit: options.appLimit });
  const prefix = randomQueuePrefix();
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
  const likes = new Queue(QUEUES.likes, { connection: { url: TEST_REDIS_URL }, prefix });
  const ingest = createIngestWorker({
    db, connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, redis, prefix, timeZone: 'UTC', concurrency: 50, batchSize: 100,
    logger: createLogger('silent'), metrics: createMetrics(), now,
  });
  await ingest.worker.waitUntilReady();
  const tokenKey = randomBytes(32).toString('base64');
  const cipher = createTokenCipher(tokenKey);
  const xSettings = { apiUrl: x.url, clientId: x.app.clientId, clientSecret: x.app.clientSecret };
  const registry = new Registry();
  const metrics = createPollMetrics(registry);
  const emitted: LikeEvent[] = [];
  const deps: PollDeps = {
    db, redis, prefix, x: xSettings, metrics, now,
    // One tick may start every due poll (the pacing has its own test).
    settings: { ...pollSettings({ intervalSeconds: 900, maxPages: 3, pageSize: 5 }), tickSeconds: 900, ...options.settings },
    tokens: createXAccessTokens({ db, cipher, settings: xSettings, now }),
    emitLike: async (event) => {
      emitted.push(event);
      await enqueueLike(likes, event);
    },
    logger: options.logger ?? createLogger('silent'),
  };

  const world = {
    db, x, liked, deps, clock, redis, prefix, likes, registry, metrics, emitted, cipher,
    /** For a hub started on this world: its TOKEN_ENCRYPTION_KEY and DATABASE_URL. */
    tokenKey, databaseUrl: database.url!,
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
    /** A supporter with X on, connected with tokens the fake issued (as "Sign in with X" stores them). */
    async connect(xUserId: string, change: { enable?: string[] } = {}) {
      const view = await supporter(db, 'twitter', xUserId, change);
      const [row] = await db.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM identities WHERE platform = 'twitter' AND external_id = $1`, xUserId);
      const issued = x.issueTokens(xUserId, SCOPES);
      await saveXGrant(db, cipher, row!.id, { accessToken: issued.access_token, refreshToken: issued.refresh_token, expiresIn: issued.expires_in, scopes: SCOPES }, clock.now);
      return { identityId: row!.id, userId: view.userId };
    },
    /** One tick, then every poll it started, in turn; then waits until the ingest recorded what they sent. */
    async pollDue(): Promise<Map<number, PollOutcome>> {
      const started: number[] = [];
      await pollTick({ ...deps, enqueuePoll: async (id) => void started.push(id) });
      const outcomes = new Map<number, PollOutcome>();
      for (const id of started) outcomes.set(id, await pollUser(deps, id));
      await world.drained();
      return outcomes;
    },
    /** Waits until the likes queue has nothing waiting or running. */
    async drained() {
      for (let i = 0; i < 400; i++) {
        const counts = await likes.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        if (Object.values(counts).every((n) => n === 0)) return;
        await new Promise((r) => setTimeout(r, 25));
      }
      throw new Error('the likes queue did not drain');
    },
    async flattrs(): Promise<{ item: string; status: string; recipient: string; period: string }[]> {
      return db.$queryRawUnsafe(
        `SELECT f.item, f.status, i.external_id AS recipient, trim(f.period) AS period FROM flattrs f JOIN identities i ON i.id = f.recipient_identity_id ORDER BY f.item`,
      );
    },
    async likeEventCount(): Promise<number> {
      const [row] = await db.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM like_events`);
      return row!.n;
    },
    async state(identityId: number) {
      const [row] = await db.$queryRawUnsafe<{ next_poll_at: Date; last_error: string | null; scan: string | null; failures: number; baselined: boolean }[]>(
        `SELECT next_poll_at, last_error, scan, failures, baselined FROM x_poll_state WHERE identity_id = $1`, identityId,
      );
      return row;
    },
    async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
      const found = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
      const value = found?.values.find((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l));
      return value?.value ?? 0;
    },
    async close() {
      await ingest.close();
      await likes.obliterate({ force: true }).catch(() => {});
      await likes.close();
      redis.disconnect();
      await x.close();
      await database.drop();
    },
  };
  return world;
}

let postSeq = 0;
/** A fresh Post id (numeric, as X's) by `authorId`. */
export function post(authorId: string): { id: string; authorId: string } {
  postSeq += 1;
  return { id: String(1_900_000_000_000_000_000n + BigInt(postSeq)), authorId };
}
