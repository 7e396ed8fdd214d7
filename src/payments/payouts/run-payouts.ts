import type Stripe from 'stripe';
import type { Db } from '../../db/database.js';
import { openPayout, pendingPayouts, type OpenedPayout } from './open-payout.js';
import { planPayouts, type PlannedPayout } from './plan-payouts.js';
import { readPayoutCandidates } from './read-payout-candidates.js';
import { sendPayout, type SendOutcome } from './send-payout.js';
import { SettlementRunningError } from './settlement-running-error.js';
import type { RetryPolicy } from '../stripe-client.js';

export type PayoutRunOptions = { minimum: string; dryRun?: boolean; backoff?: Partial<RetryPolicy> };
export type PayoutRunResult = {
  dryRun: boolean;
  /** Payouts left pending by an earlier run, sent again under their own keys (none in a dry run: listed in `pending`). */
  resumed: Array<OpenedPayout & { outcome: SendOutcome }>;
  /** What this run planned: each pay with its outcome (absent in a dry run), each skip with its reason. */
  planned: Array<PlannedPayout & { outcome?: SendOutcome }>;
  pending: OpenedPayout[];
};

/**
 * A payout run (`flattr payouts run`, and the monthly job after settlement):
 * first the payouts an earlier run left pending (ledger debited, transfer not
 * known), then every creator balance the plan pays. Refused while a
 * settlement run is unfinished. A dry run reads and plans, and writes
 * nothing, nor calls Stripe.
 */
export async function runPayouts(db: Db, stripe: Stripe | undefined, options: PayoutRunOptions): Promise<PayoutRunResult> {
  const dryRun = Boolean(options.dryRun);
  const pending = await pendingPayouts(db);
  const plan = planPayouts(await readPayoutCandidates(db), options.minimum);
  if (dryRun) return { dryRun, resumed: [], planned: plan, pending };
  if (!stripe) throw new Error('payouts need Stripe: set STRIPE_SECRET_KEY');
  const [running] = await db.$queryRawUnsafe<{ period: string }[]>(`SELECT trim(period) AS period FROM settlement_runs WHERE status <> 'settled' ORDER BY period LIMIT 1`);
  if (running) throw new SettlementRunningError(running.period);
  const resumed: PayoutRunResult['resumed'] = [];
  for (const payout of pending) resumed.push({ ...payout, outcome: await sendPayout(db, stripe, payout, options.backoff) });
  const planned: PayoutRunResult['planned'] = [];
  for (const item of plan) {
    if (item.action === 'skip') {
      planned.push(item);
      continue;
    }
    const opened = await openPayout(db, item, options.minimum);
    // Read again under the creator's lock, the balance had changed (another run paid it): the next run plans afresh.
    if (!opened) continue;
    planned.push({ ...item, outcome: await sendPayout(db, stripe, opened, options.backoff) });
  }
  return { dryRun, resumed, planned, pending };
}
