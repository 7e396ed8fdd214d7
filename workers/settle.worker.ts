import { DelayedError, Queue, UnrecoverableError, WaitingChildrenError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Db } from '../src/db/database.js';
import { selfCheckLedger } from '../src/ledger/self-check-ledger.js';
import { enqueueNoticeDerivation } from '../src/notices/enqueue-notices.js';
import { QUEUES } from '../src/queues.js';
import { catchUpSettlements } from '../src/settlement/catch-up-settlements.js';
import { enqueueCatchUp } from '../src/settlement/enqueue-catch-up.js';
import { InvalidInputError } from '../src/domain/errors.js';
import { PeriodNotEndedError, SettlementIncompleteError, SettlementNotOpenError } from '../src/settlement/errors.js';
import type { SettlementSettings } from '../src/settlement/open-run.js';
import { createSettlementStages, type StageHook } from '../src/settlement/settlement-stages.js';
import {
  batchJobSchema, catchUpJobSchema, ledgerCheckJobId, ledgerCheckJobSchema, SETTLE_JOB, settleJobSchema, type SettleJob,
} from '../src/settlement/settle-jobs.js';
import type { Logger } from '../src/support/logger.js';
import type { Metrics } from '../src/support/metrics.js';

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
  /** Where the ledger self-check reports (`flattr_ledger_ok`). */
  metrics?: Pick<Metrics, 'ledgerOk'>;
  /** Observes (or crashes) the run at each stage: crash-injection tests. */
  onStage?: StageHook;
  now?: () => Date;
};

/** The catch-up looks again at a run it waits for after a quarter of the time waited so far, within these bounds. */
const CATCH_UP_POLL_MS = { min: 100, max: 5000 };
/** Passes over the batches before a run that keeps finding some pending fails (and is retried from its opening). */
const MAX_PASSES = 3;
/** Refusals that no retry cures: the job fails at once, with the refusal as its reason. */
const isPermanent = (error: unknown) =>
  error instanceof InvalidInputError || error instanceof PeriodNotEndedError || error instanceof SettlementNotOpenError;

/**
 * Consumes `settle`: the BullMQ shell around the stages of a run
 * (src/settlement/settlement-stages.ts), the only place a period is settled,
 * whether the monthly period close, `flattr settle`, a test or the bench
 * asked for it. The parent job `settle-YYYY-MM` opens or resumes the run,
 * fans out one child per pending batch and waits for them (BullMQ's
 * waiting-children step), then finishes, fanning out again what a lost
 * commit left pending. Every stage is idempotent in the database, so a
 * retried, stalled or duplicated job (an exception, a killed worker) changes
 * nothing already settled. A finished run queues the ledger self-check, as
 * does a daily job scheduler (schedule-ledger-check.ts).
 */
export function createSettleWorker(deps: SettleWorkerDeps): { worker: Worker; close(): Promise<void> } {
  const { db, logger, settings } = deps;
  const now = deps.now ?? (() => new Date());
  const stages = createSettlementStages({ db, settings, concurrentOpen: deps.concurrentOpen, onStage: deps.onStage, now });
  const queue = new Queue(QUEUES.settle, { connection: deps.connection, prefix: deps.prefix });
  const notify = new Queue(QUEUES.notify, { connection: deps.connection, prefix: deps.prefix });
  notify.on('error', (error) => logger.warn({ err: error }, 'notify queue error'));
  queue.on('error', (error) => logger.warn({ err: error }, 'settle queue error'));

  /** Fans out a pass and says whether children are left to wait for. The step is written first, so a crash after it finishes, never reopens. */
  const fanOut = async (job: Job, token: string, data: SettleJob, batches: number[], pass: number): Promise<boolean> => {
    await job.updateData({ ...data, step: 'batches', pass });
    logger.info({ period: data.period, batches: batches.length, pass }, 'settlement: fanning out batches');
    await queue.addBulk(batches.map((batch) => ({
      name: SETTLE_JOB.batch,
      data: { period: data.period, batch },
      opts: {
        // A batch that fails for good is recorded on the parent, which then fails with its reason (below);
        // failParentOnFailure would leave a mark that stops a resumed parent from ever waiting for children again.
        parent: { id: job.id!, queue: job.queueQualifiedName }, ignoreDependencyOnFailure: true,
        attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: { age: 30 * 24 * 3600 },
      },
    })));
    return job.moveToWaitingChildren(token);
  };

  const parent = async (job: Job, token: string) => {
    const data = parse(settleJobSchema, job);
    const { period } = data;
    let pass = data.pass ?? 0;
    if (data.step === 'batches') {
      // Back from a pass, or retried after a crash that may have left children running: wait for them first.
      if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
      await failOnNewBatchFailure(job, data);
    } else {
      const { run, pending } = await stages.open(period);
      if (run.status === 'settled') return { period, status: 'settled', selfCheck: null };
      if (pending.length > 0 && await fanOut(job, token, data, pending, ++pass)) throw new WaitingChildrenError();
    }
    for (;;) {
      const finished = await stages.finish(period);
      if (finished.status === 'settled') break;
      if (pass >= MAX_PASSES) {
        // The retry starts over from the opening, with a fresh count of passes.
        await job.updateData({ period, requestId: data.requestId, by: data.by, failures: data.failures });
        throw new SettlementIncompleteError(period, finished.supporters);
      }
      if (await fanOut(job, token, data, finished.batches, ++pass)) throw new WaitingChildrenError();
    }
    logger.info({ period }, 'settlement: period settled');
    // After finishRun committed, people hear of it. A notice never holds a run back: if this
    // fails, the notify worker's catch-up derives the period's notices within minutes anyway.
    await enqueueNoticeDerivation(notify, period).catch((error: unknown) => logger.warn({ err: error, period }, 'notices not queued; the catch-up will derive them'));
    // After finishRun committed: a check that fails reports, and never undoes the run.
    const selfCheck = ledgerCheckJobId(period, data.requestId);
    await queue.add(SETTLE_JOB.ledgerCheck, { trigger: 'settled', period }, {
      jobId: selfCheck, attempts: 5, backoff: { type: 'exponential', delay: 5000 },
      removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: { age: 30 * 24 * 3600 },
    });
    return { period, status: 'settled', selfCheck };
  };

  /**
   * The period-close catch-up (catch-up-settlements.ts): one step per pass,
   * then the job delays itself while the run it waits for goes on, so it
   * never holds a worker slot that the run's own jobs need.
   */
  const catchUp = async (job: Job, token: string) => {
    const data = parse(catchUpJobSchema, job);
    const started = data.started ?? [];
    const step = await catchUpSettlements(db, queue, settings, now(), { started });
    if (step.next === 'done') {
      if (started.length) logger.info({ periods: started }, 'period close: every closed period is settled');
      return { settled: started };
    }
    if (step.next === 'blocked') {
      logger.error({ period: step.period, reason: step.reason },
        `period close: the run of ${step.period} failed; later periods wait for it ("flattr settle --period ${step.period}" resumes it)`);
      return { settled: started, blocked: step.period };
    }
    if (step.queued) logger.info({ period: step.period }, 'period closed: settling it');
    const waitingSince = step.queued || data.period !== step.period ? Date.now() : data.waitingSince ?? Date.now();
    await job.updateData({ ...data, started: step.queued ? [...started, step.period] : started, period: step.period, waitingSince });
    const delay = Math.min(CATCH_UP_POLL_MS.max, Math.max(CATCH_UP_POLL_MS.min, (Date.now() - waitingSince) / 4));
    await job.moveToDelayed(Date.now() + delay, token);
    throw new DelayedError();
  };

  const worker = new Worker(
    QUEUES.settle,
    async (job, token) => {
      try {
        switch (job.name) {
          case SETTLE_JOB.periodClose: {
            // The monthly tick: settle every closed period that is due, oldest first.
            await enqueueCatchUp(queue, 'tick');
            return { catchUp: true };
          }
          case SETTLE_JOB.catchUp: return await catchUp(job, token!);
          case SETTLE_JOB.settle: return await parent(job, token!);
          case SETTLE_JOB.batch: {
            const { period, batch } = parse(batchJobSchema, job);
            return await stages.settleBatch(period, batch);
          }
          case SETTLE_JOB.ledgerCheck: {
            const { trigger, period } = parse(ledgerCheckJobSchema, job);
            return await selfCheckLedger(db, { logger, metrics: deps.metrics, trigger, period });
          }
          default: throw new UnrecoverableError(`unknown settle job "${job.name}"`);
        }
      } catch (error) {
        throw isPermanent(error) ? new UnrecoverableError((error as Error).message) : error;
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
      await notify.close();
    },
  };
}

/**
 * A batch that spent its retries stops the run, with the batch's own reason,
 * until someone resumes it (`flattr settle` retries the failed parent). The
 * count of failures already reported is kept on the job, so the resumed run
 * goes on: its finish finds the batch pending and settles it in a new pass.
 */
async function failOnNewBatchFailure(job: Job, data: SettleJob): Promise<void> {
  const failures = Object.values(await job.getIgnoredChildrenFailures());
  if (failures.length <= (data.failures ?? 0)) return;
  await job.updateData({ ...data, failures: failures.length });
  throw new UnrecoverableError(`a batch failed after its retries: ${failures.at(-1)}`);
}

function parse<T>(schema: { safeParse(d: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, job: Job): T {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid ${job.name} job ${job.id}: ${parsed.error.message}`);
  return parsed.data;
}
