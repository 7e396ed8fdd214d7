import type { Db } from '../../db/database.js';
import type { Period } from '../../domain/period.js';
import type { MonthlyCandidate } from './plan-monthly-topups.js';

type Row = {
  user_id: number; currency: string; mandate_currency: string; budget: bigint; active: boolean; wallet: bigint;
  customer_id: string; payment_method_id: string | null;
  topup_id: bigint | null; status: string | null; amount: bigint | null; payment_intent_id: string | null; failure_reason: string | null; created_at: Date | null;
};

/** Every supporter whose monthly top-up is on, with their budget, wallet and this period's charge if one was opened. */
export async function readMonthlyCandidates(db: Db, period: Period): Promise<MonthlyCandidate[]> {
  const rows = await db.$queryRawUnsafe<Row[]>(
    `SELECT m.user_id, trim(u.currency) AS currency, trim(m.currency) AS mandate_currency,
            coalesce(s.budget_minor, 0)::int8 AS budget, coalesce(s.active, false) AS active,
            coalesce((SELECT sum(e.amount) FROM accounts a JOIN entries e ON e.account_id = a.id
                       WHERE a.kind = 'wallet' AND a.user_id = m.user_id AND a.identity_id IS NULL AND a.currency = u.currency), 0)::int8 AS wallet,
            m.stripe_customer_id AS customer_id, m.payment_method_id,
            t.id AS topup_id, t.status, t.amount, t.payment_intent_id, t.failure_reason, t.created_at
       FROM monthly_topups m
       JOIN users u ON u.id = m.user_id
       LEFT JOIN supporter_settings s ON s.user_id = m.user_id
       LEFT JOIN topup_sessions t ON t.user_id = m.user_id AND t.monthly_period = $1
      WHERE m.status = 'active' ORDER BY m.user_id`,
    period,
  );
  return rows.map((r) => ({
    userId: r.user_id, currency: r.currency, mandateCurrency: r.mandate_currency, budget: r.budget, active: r.active, wallet: r.wallet,
    customerId: r.customer_id, paymentMethodId: r.payment_method_id,
    ...(r.topup_id !== null && {
      charge: { topupId: r.topup_id, status: r.status!, amount: r.amount!, paymentIntentId: r.payment_intent_id, failureReason: r.failure_reason, createdAt: r.created_at! },
    }),
  }));
}
