import type Stripe from 'stripe';
import type { Db } from '../../db/database.js';
import { previousPeriod, type Period } from '../../domain/period.js';
import type { RetryPolicy } from '../stripe-client.js';
import { chargeMonthlyTopup, type ChargeOutcome } from './charge-monthly-topup.js';
import { planMonthlyTopups, type PlannedMonthlyTopup } from './plan-monthly-topups.js';
import { readMonthlyCandidates } from './read-monthly-candidates.js';
import { resolvePaymentMethod } from './resolve-payment-method.js';
import { SettlementPendingError } from './settlement-pending-error.js';

export type MonthlyRunOptions = { period: Period; now: Date; dryRun?: boolean; retry?: RetryPolicy };
export type MonthlyRunResult = { period: Period; dryRun: boolean; planned: Array<PlannedMonthlyTopup & { outcome?: ChargeOutcome }> };

/**
 * The monthly top-ups of a period (`flattr topups run`, and the job on the
 * 1st): each supporter whose monthly top-up is on is charged their budget
 * once, or skipped with the reason. Refused while the previous period is
 * not settled yet: its settlement spends the wallets this run looks at, and
 * a wallet still holding last month's budget would wrongly skip this month.
 * A dry run reads and plans, writes nothing, and calls Stripe for nothing.
 */
export async function runMonthlyTopups(db: Db, stripe: Stripe | undefined, options: MonthlyRunOptions): Promise<MonthlyRunResult> {
  const dryRun = Boolean(options.dryRun);
  if (!dryRun) {
    if (!stripe) throw new Error('monthly top-ups need Stripe: set STRIPE_SECRET_KEY');
    const waiting = await unsettledPeriod(db, previousPeriod(options.period));
    if (waiting) throw new SettlementPendingError(waiting);
    // Cards saved since the last run whose method the webhook's follow-up could not read.
    const unread = await db.$queryRawUnsafe<{ user_id: number }[]>(`SELECT user_id FROM monthly_topups WHERE status = 'active' AND payment_method_id IS NULL ORDER BY user_id`);
    for (const { user_id } of unread) await resolvePaymentMethod(db, stripe, user_id, options.retry).catch(() => undefined);
  }
  const plan = planMonthlyTopups(await readMonthlyCandidates(db, options.period), options.period, options.now);
  if (dryRun || !stripe) return { period: options.period, dryRun, planned: plan };
  const planned: MonthlyRunResult['planned'] = [];
  for (const item of plan) {
    planned.push(item.action === 'skip' ? item : { ...item, outcome: await chargeMonthlyTopup(db, stripe, item, options.now, options.retry) });
  }
  return { period: options.period, dryRun, planned };
}

/** A settlement still running, or the previous period with flattrs and no run yet: the oldest such period. */
async function unsettledPeriod(db: Db, previous: Period): Promise<Period | undefined> {
  const [row] = await db.$queryRawUnsafe<{ period: string }[]>(
    `SELECT trim(period) AS period FROM settlement_runs WHERE status <> 'settled'
     UNION ALL
     SELECT $1::text WHERE NOT EXISTS (SELECT 1 FROM settlement_runs WHERE period = $1)
                 AND EXISTS (SELECT 1 FROM flattrs WHERE period = $1 AND status = 'active')
     ORDER BY 1 LIMIT 1`,
    previous,
  );
  return row?.period;
}
