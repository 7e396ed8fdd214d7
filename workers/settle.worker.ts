import { Queue, UnrecoverableError, WaitingChildrenError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Db } from '../src/db/database.js';
import { QUEUES } from '../src/queues.js';
import { enqueueSettlement } from '../src/settlement/enqueue-settlement.js';
import { finishRun } from '../src/settlement/finish-run.js';
import { loadRun, openRun, type SettlementSettings } from '../src/settlement/open-run.js';
import { lastClosedPeriod } from '../src/settlement/period-close.js';
import { pendingBatches, settleBatch } from '../src/settlement/settle-batch.js';
import { batchJobSchema, SETTLE_JOB, settleJobSchema } from '../src/settlement/settle-jobs.js';
import type { Logger } from '../src/support/logger.js';

export type SettleWorkerDeps = {
  db: Db;
  connection: ConnectionOptions;
  prefix: string;
  settings: SettlementSettings;
  concurrency: number;
  /** Open runs on two connections (PostgreSQL's pool; not PGlite): see OpenOptions. */
  concurrentOpen?: boolean;
  /** A job whose worker died (kill -9) is taken over after this long; batches are idempotent, so stalls are retried. */
  lockMs?: number;
  logger: Logger;
  now?: () => Date;
};

/**
 * Consumes `settle`. `period-close` (from the monthly job scheduler) queues
 * the parent job of the period that just closed. The parent `settle-YYYY-MM`
 * opens or resumes the run, fans out one child per pending batch and waits
 * for them (BullMQ's waiting-children step), then finishes the run. Every
 * step is idempotent in the database, so a retried, stalled or duplicated
 * job (a killed worker) changes nothing that is already settled.
 */
export function createSettleWorker(deps: SettleWorkerDeps): { worker: Worker; close(): Promise<void> } {
  const { db, logger, settings } = deps;
  const now = deps.now ?? (() => new Date());
  const queue = new Queue(QUEUES.settle, { connection: deps.connection, prefix: deps.prefix });
  queue.on('error', (error) => logger.warn({ err: error }, 'settle queue error'));

  const parent = async (job: Job, token: string | undefined) => {
    const { period } = parse(settleJobSchema, job);
    const run = await openRun(db, period, settings, now(), { concurrent: deps.concurrentOpen ?? false });
    if (run.status === 'settled') return { period, status: 'settled' };
    for (;;) {
      const pending = await pendingBatches(db, run.period);
      if (pending.length === 0) break;
      logger.info({ period, batches: pending.length }, 'settlement: fanning out batches');
      await queue.addBulk(pending.map((batch) => ({
        name: SETTLE_JOB.batch,
        data: { period, batch },
        opts: {
          parent: { id: job.id!, queue: job.queueQualifiedName }, failParentOnFailure: true,
          attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: { age: 30 * 24 * 3600 },
        },
      })));
      if (await job.moveToWaitingChildren(token!)) throw new WaitingChildrenError();
    }
    await finishRun(db, run.period);
    logger.info({ period }, 'settlement: period settled');
    return { period, status: 'settled' };
  };

  const batch = async (job: Job) => {
    const { period, batch: number } = parse(batchJobSchema, job);
    // A batch never opens a run: its parent did, and the run row fixes fee and policy.
    return settleBatch(db, await loadRun(db, period), number);
  };

  const worker = new Worker(
    QUEUES.settle,
    async (job, token) => {
      switch (job.name) {
        case SETTLE_JOB.periodClose: {
          const period = lastClosedPeriod(now(), settings.timeZone, settings.graceMinutes);
          const { mine, state } = await enqueueSettlement(queue, period);
          logger.info({ period, queued: mine, state }, 'period closed');
          return { period };
        }
        case SETTLE_JOB.settle: return parent(job, token);
        case SETTLE_JOB.batch: return batch(job);
        default: throw new UnrecoverableError(`unknown settle job "${job.name}"`);
      }
    },
    {
      connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency, removeOnFail: { age: 30 * 24 * 3600 },
      lockDuration: deps.lockMs ?? 30_000, stalledInterval: deps.lockMs ?? 30_000, maxStalledCount: 5,
    },
  );
  worker.on('failed', (job, error) => logger.error({ jobId: job?.id, name: job?.name, err: error }, 'settle job failed'));
  worker.on('error', (error) => logger.error({ err: error }, 'settle worker error'));
  return {
    worker,
    close: async () => {
      await worker.close();
      await queue.close();
    },
  };
}

function parse<T>(schema: { safeParse(d: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, job: Job): T {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid ${job.name} job ${job.id}: ${parsed.error.message}`);
  return parsed.data;
}
