import { DelayedError, Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from '../src/db/database.js';
import { catchUpNotices } from '../src/notices/catch-up-notices.js';
import { createChannelPacer } from '../src/notices/channel-pacer.js';
import { deliverNotice } from '../src/notices/deliver-notice.js';
import { deriveNotices } from '../src/notices/derive-notices.js';
import { queueOpenNotices, type SendRetry } from '../src/notices/enqueue-notices.js';
import { NoticesNotReadyError } from '../src/notices/notices-not-ready-error.js';
import { deriveJobSchema, NOTIFY_JOB, sendJobSchema } from '../src/notices/notify-jobs.js';
import type { NoticeSenders } from '../src/notices/port.js';
import { QUEUES } from '../src/queues.js';
import type { Logger } from '../src/support/logger.js';
import type { Metrics } from '../src/support/metrics.js';

export type NotifyWorkerDeps = {
  db: Db;
  connection: ConnectionOptions;
  /** A non-blocking client for the per-channel pace (Slack). */
  redis: Redis;
  prefix: string;
  senders: NoticeSenders;
  holdDays: number;
  timeZone: string;
  logger: Logger;
  metrics?: Pick<Metrics, 'notices' | 'noticesRateLimited' | 'notifyQueue'>;
  /** Notices sent at once by this process (default 16): pace and 429 waits do not hold a slot. */
  concurrency?: number;
  /** Attempts and first backoff of the sends it queues (default 8 from 5 s); tests shorten them. */
  retry?: SendRetry;
  /** How often this process samples the queue's depth for /metrics (default 5 s). */
  sampleMs?: number;
  /** Queue a catch-up when the worker starts (default true). */
  catchUpOnStart?: boolean;
  now?: () => Date;
};

/**
 * Consumes `notify`: the BullMQ shell around deriving and delivering
 * notices (src/notices). A send that must wait (the channel's pace, a 429's
 * Retry-After, another sender's lease) is delayed, not retried, so it costs
 * no attempt and holds no worker; a transient failure is retried with
 * exponential backoff; a permanent one fails at once (UnrecoverableError)
 * with its reason, already recorded on the outbox row. Each notice is its
 * own job: none waits behind another's failure.
 */
export function createNotifyWorker(deps: NotifyWorkerDeps): { worker: Worker; close(): Promise<void> } {
  const { db, logger } = deps;
  const queue = new Queue(QUEUES.notify, { connection: deps.connection, prefix: deps.prefix });
  queue.on('error', (error) => logger.warn({ err: error }, 'notify queue error'));
  const pacer = createChannelPacer(deps.redis, deps.prefix);
  const plan = { holdDays: deps.holdDays, timeZone: deps.timeZone, now: deps.now, retry: deps.retry, metrics: deps.metrics };

  const send = async (job: Job, token: string) => {
    const data = parse(sendJobSchema, job);
    const result = await deliverNotice({ db, senders: deps.senders, pacer, metrics: deps.metrics }, BigInt(data.id), {
      finalAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1),
    });
    switch (result.outcome) {
      case 'wait':
        // Its turn comes at `at`: then it goes before the fresh sends (SEND_PRIORITY), not behind them.
        if (job.priority !== 0) await job.changePriority({ priority: 0 });
        await job.moveToDelayed(result.at, token);
        throw new DelayedError();
      case 'failed':
        logger.warn({ notice: data.id, reason: result.reason, retryable: result.retryable }, `notice failed: ${result.message}`);
        throw new UnrecoverableError(`${result.reason}: ${result.message}`);
      case 'retry':
        throw new Error(`${result.reason}: ${result.message}`);
      default:
        return result;
    }
  };

  const worker = new Worker(
    QUEUES.notify,
    async (job, token) => {
      switch (job.name) {
        case NOTIFY_JOB.send: return send(job, token!);
        case NOTIFY_JOB.derive: {
          const { period } = parse(deriveJobSchema, job);
          try {
            const derived = await deriveNotices(db, period, { ...plan, now: deps.now?.() });
            const queued = await queueOpenNotices(db, queue, { period, retry: deps.retry });
            logger.info({ period, derived: derived.notices, queued }, 'notices derived');
            return { ...derived, queued };
          } catch (error) {
            // A run still settling: retried with backoff until it is committed.
            if (error instanceof NoticesNotReadyError) throw new Error(error.message);
            throw error;
          }
        }
        case NOTIFY_JOB.catchUp: {
          const result = await catchUpNotices(db, queue, plan);
          if (result.derived.length) logger.info({ derived: result.derived, queued: result.queued }, 'notices caught up');
          return result;
        }
        default: throw new UnrecoverableError(`unknown notify job "${job.name}"`);
      }
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency ?? 16, removeOnFail: { age: 30 * 24 * 3600 } },
  );
  worker.on('error', (error) => logger.error({ err: error }, 'notify worker error'));

  // Queue depth for /metrics, sampled rather than counted per event: a gauge any worker process may refresh.
  const sample = async () => {
    const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'failed');
    for (const [state, n] of Object.entries(counts)) deps.metrics?.notifyQueue.set({ state }, n);
  };
  const sampler = deps.metrics ? setInterval(() => void sample().catch(() => undefined), deps.sampleMs ?? 5_000).unref() : undefined;
  if (deps.catchUpOnStart ?? true) {
    void queue.add(NOTIFY_JOB.catchUp, {}, { removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not queue the notices catch-up'));
  }
  return {
    worker,
    close: async () => {
      clearInterval(sampler);
      await worker.close();
      await queue.close();
    },
  };
}

/** Every five minutes (upserted, so one scheduler whatever the number of processes): nothing settled goes untold for long. */
export async function scheduleNoticeCatchUp(queue: Queue, everyMs = 5 * 60_000): Promise<void> {
  await queue.upsertJobScheduler(NOTIFY_JOB.catchUp, { every: everyMs }, {
    name: NOTIFY_JOB.catchUp, data: {}, opts: { removeOnComplete: true, removeOnFail: { age: 7 * 24 * 3600 } },
  });
}

function parse<T>(schema: { safeParse(d: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, job: Job): T {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid ${job.name} job ${job.id}: ${parsed.error.message}`);
  return parsed.data;
}
