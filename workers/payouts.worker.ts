import { UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Registry } from 'prom-client';
import type Stripe from 'stripe';
import type { Db } from '../src/db/database.js';
import { PAYOUTS_JOB } from '../src/payments/payouts/payouts-jobs.js';
import { runPayouts } from '../src/payments/payouts/run-payouts.js';
import { describeDifference } from '../src/payments/reconcile/compare-movements.js';
import { DIFFERENCE_KINDS, reconcileGauge } from '../src/payments/reconcile/reconcile-metric.js';
import { reconcilePayments } from '../src/payments/reconcile/reconcile-payments.js';
import { QUEUES } from '../src/queues.js';
import type { Logger } from '../src/support/logger.js';

export type PayoutsWorkerDeps = {
  db: Db; stripe: Stripe; connection: ConnectionOptions; prefix: string; minimum: string; logger: Logger; registry: Registry; now?: () => Date;
};

/** How far back the daily reconciliation looks: two days, so a day the job missed is still covered. */
const RECONCILE_WINDOW_MS = 2 * 24 * 3600_000;

/** Consumes `payouts`: the monthly payout run and the daily reconciliation with Stripe. */
export function createPayoutsWorker(deps: PayoutsWorkerDeps): { worker: Worker; close(): Promise<void> } {
  const gauge = reconcileGauge(deps.registry);
  const worker = new Worker(
    QUEUES.payouts,
    async (job) => {
      if (job.name === PAYOUTS_JOB.run) {
        // Refused while a settlement is crediting creators (SettlementRunningError): BullMQ retries it with backoff.
        const result = await runPayouts(deps.db, deps.stripe, { minimum: deps.minimum });
        const outcomes = [...result.resumed.map((r) => r.outcome.status), ...result.planned.map((p) => (p.action === 'pay' ? p.outcome?.status : 'skipped'))];
        const count = (status: string) => outcomes.filter((o) => o === status).length;
        deps.logger.info({ paid: count('paid'), returned: count('returned'), pending: count('pending'), skipped: count('skipped') }, 'payouts run');
        return { paid: count('paid'), returned: count('returned'), pending: count('pending'), skipped: count('skipped') };
      }
      if (job.name === PAYOUTS_JOB.reconcile) {
        const since = new Date((deps.now?.() ?? new Date()).getTime() - RECONCILE_WINDOW_MS);
        const result = await reconcilePayments(deps.db, deps.stripe, since);
        for (const kind of DIFFERENCE_KINDS) gauge.set({ kind }, result.differences.filter((d) => d.kind === kind).length);
        for (const d of result.differences) deps.logger.warn({ kind: d.kind }, `reconciliation: ${describeDifference(d)}`);
        return { differences: result.differences.length };
      }
      throw new UnrecoverableError(`unknown payouts job "${job.name}"`);
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1 },
  );
  worker.on('error', (error) => deps.logger.error({ err: error }, 'payouts worker error'));
  return { worker, close: () => worker.close() };
}
