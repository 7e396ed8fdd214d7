import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { createXAccessTokens } from '../adapters/twitter/access-token.js';
import { announcePolling } from '../adapters/twitter/poll/announce-polling.js';
import { createPollMetrics } from '../adapters/twitter/poll/poll-metrics.js';
import { pollSettings, type PollSettings } from '../adapters/twitter/poll/poll-settings.js';
import { pollTick } from '../adapters/twitter/poll/poll-tick.js';
import { pollUser, type XTokens } from '../adapters/twitter/poll/poll-user.js';
import { markXDisconnected } from '../adapters/twitter/token-store.js';
import type { XClientSettings } from '../adapters/twitter/x-client.js';
import type { Config } from '../src/config.js';
import type { Db } from '../src/db/database.js';
import { enqueueLike } from '../src/ingest/enqueue-like.js';
import { QUEUES } from '../src/queues.js';
import type { Logger } from '../src/support/logger.js';
import type { Metrics } from '../src/support/metrics.js';
import type { TokenCipher } from '../src/support/token-cipher.js';

export const X_POLL_JOB = { tick: 'x-poll-tick', user: 'x-poll-user' } as const;

const userJobSchema = z.object({ identityId: z.number().int().positive() });

export type XPollWorkerDeps = {
  db: Db;
  connection: ConnectionOptions;
  /** A plain (non-blocking) client: the app's request budget is counted in Redis, shared by every process. */
  redis: Redis;
  prefix: string;
  settings: PollSettings;
  x: XClientSettings;
  tokens: XTokens;
  /** The likes queue: polled likes take the same ingest path as every adapter's. */
  likes: Queue;
  logger: Logger;
  metrics: Metrics;
  concurrency?: number;
  now?: () => Date;
};

/**
 * Consumes `x-poll` (TWITTER_MODE=poll or both): `x-poll-tick`, the one
 * repeatable job that starts the polls due (poll-tick.ts), and `x-poll-user`,
 * one supporter's poll, job id per identity so a supporter is never polled
 * twice at once. A poll's failures are its own (logged, retried by a later
 * tick), so one supporter's broken answer never holds up the others.
 */
export async function startXPolling(deps: XPollWorkerDeps): Promise<{ worker: Worker; queue: Queue; close(): Promise<void> }> {
  const now = deps.now ?? (() => new Date());
  const metrics = createPollMetrics(deps.metrics.registry);
  const queue = new Queue(QUEUES.xPoll, { connection: deps.connection, prefix: deps.prefix });
  queue.on('error', (error) => deps.logger.warn({ err: error }, 'x-poll queue error'));
  const pollDeps = { ...deps, metrics, now, emitLike: (event: Parameters<typeof enqueueLike>[1]) => enqueueLike(deps.likes, event) };
  const worker = new Worker(
    QUEUES.xPoll,
    async (job) => {
      if (job.name === X_POLL_JOB.tick) {
        const tick = await pollTick({
          ...pollDeps,
          enqueuePoll: async (identityId) => {
            await queue.add(X_POLL_JOB.user, { identityId }, { jobId: `x-poll-user-${identityId}`, removeOnComplete: true, removeOnFail: true });
          },
        });
        return { started: tick.started.length, supporters: tick.supporters, capacity: tick.capacity };
      }
      if (job.name !== X_POLL_JOB.user) throw new UnrecoverableError(`unknown x-poll job "${job.name}"`);
      const parsed = userJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError('invalid x-poll-user job: identityId must be a positive integer');
      return pollUser(pollDeps, parsed.data.identityId);
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency ?? 4 },
  );
  worker.on('failed', (job, error) => deps.logger.error({ jobId: job?.id, err: error }, 'x-poll job failed'));
  worker.on('error', (error) => deps.logger.error({ err: error }, 'x-poll worker error'));
  await queue.upsertJobScheduler(X_POLL_JOB.tick, { every: deps.settings.tickSeconds * 1000 }, {
    name: X_POLL_JOB.tick, data: {}, opts: { removeOnComplete: { count: 10 }, removeOnFail: { age: 24 * 3600 } },
  });
  await announcePolling(deps.db, deps.settings, metrics, deps.logger);
  return {
    worker, queue,
    close: async () => {
      await worker.close();
      await queue.close();
    },
  };
}

/**
 * Polling as configured (TWITTER_MODE=poll or both, TWITTER_POLL_*), for the
 * composition root: the token store of adapters/twitter as the poller's token
 * source, and X's 401 on a token it gave marks the identity disconnected.
 */
export function startXPollingFromConfig(
  twitter: NonNullable<Config['twitter']>,
  deps: Omit<XPollWorkerDeps, 'settings' | 'x' | 'tokens'> & { cipher: TokenCipher },
): Promise<{ worker: Worker; queue: Queue; close(): Promise<void> }> {
  const now = deps.now ?? (() => new Date());
  const x = { apiUrl: twitter.apiUrl, clientId: twitter.clientId, clientSecret: twitter.clientSecret };
  const store = createXAccessTokens({ db: deps.db, cipher: deps.cipher, settings: x, now, logger: deps.logger });
  return startXPolling({
    ...deps, now, x, settings: pollSettings(twitter.poll),
    tokens: {
      accessTokenFor: (identityId) => store.accessTokenFor(identityId),
      revoked: async (identityId) => void (await markXDisconnected(deps.db, identityId, 'revoked', now())),
    },
  });
}

/** Without polling (TWITTER_MODE=webhook, or X off), a tick scheduler left by an earlier start goes, so no job waits for a worker that will not come. */
export async function removeXPollScheduler(queue: Queue): Promise<void> {
  await queue.removeJobScheduler(X_POLL_JOB.tick);
}
