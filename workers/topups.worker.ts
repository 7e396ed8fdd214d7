import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type Stripe from 'stripe';
import type { Db } from '../src/db/database.js';
import { periodOf } from '../src/domain/period.js';
import { TOPUPS_JOB } from '../src/payments/monthly/monthly-topup-jobs.js';
import { runMonthlyTopups } from '../src/payments/monthly/run-monthly-topups.js';
import { QUEUES } from '../src/queues.js';
import type { Logger } from '../src/support/logger.js';

export type TopupsWorkerDeps = { db: Db; stripe: Stripe; connection: ConnectionOptions; prefix: string; timeZone: string; logger: Logger; now?: () => Date };

/**
 * Consumes `topups`: the monthly top-ups of the period the job runs in. A
 * previous period not settled yet throws (SettlementPendingError), and
 * BullMQ retries it with backoff.
 */
export function createTopupsWorker(deps: TopupsWorkerDeps): { worker: Worker; close(): Promise<void> } {
  const worker = new Worker(
    QUEUES.topups,
    async (job) => {
      if (job.name !== TOPUPS_JOB.run) throw new UnrecoverableError(`unknown topups job "${job.name}"`);
      const now = deps.now?.() ?? new Date();
      const result = await runMonthlyTopups(deps.db, deps.stripe, { period: periodOf(now, deps.timeZone), now });
      const outcomes = result.planned.map((p) => (p.action === 'charge' ? p.outcome?.status ?? 'pending' : 'skipped'));
      const count = (status: string) => outcomes.filter((o) => o === status).length;
      const summary = { period: result.period, charged: count('charged'), failed: count('failed'), pending: count('pending'), skipped: count('skipped') };
      deps.logger.info(summary, 'monthly top-ups run');
      return summary;
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1 },
  );
  worker.on('error', (error) => deps.logger.error({ err: error }, 'topups worker error'));
  return { worker, close: () => worker.close() };
}
