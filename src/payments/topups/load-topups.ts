import type { Db } from '../../db/database.js';
import type { Money } from '../../domain/money.js';

export type TopupStatus = 'open' | 'paid' | 'expired' | 'failed';

/** What a refund or lost dispute took back of a top-up: from the wallet, and the rest owed. */
export type TopupReversalView = { kind: 'refund' | 'dispute'; amount: Money; fromWallet: Money; toReceivable: Money; at: Date };

export type TopupView = {
  id: bigint;
  at: Date;
  status: TopupStatus;
  amount: Money;
  /** Stripe's fee, once known (the hub bears it; the wallet got the whole amount). */
  stripeFee: Money | null;
  /** Stripe's payment page, while the top-up is open and its session made. */
  checkoutUrl: string | null;
  /** The period a monthly top-up charged the budget for (null: one the supporter started). */
  monthlyPeriod: string | null;
  /** Why Stripe did not take the payment (a failed monthly charge: card declined, authentication required). */
  failureReason: string | null;
  reversals: TopupReversalView[];
};

/** A supporter's latest top-ups, newest first, each with what refunds and disputes took back of it (two queries). */
export async function loadTopups(db: Db, userId: number, limit: number): Promise<TopupView[]> {
  const rows = await db.$queryRawUnsafe<{ id: bigint; created_at: Date; status: TopupStatus; amount: bigint; currency: string; stripe_fee: bigint | null; url: string | null; monthly_period: string | null; failure_reason: string | null }[]>(
    `SELECT id, created_at, status, amount, trim(currency) AS currency, stripe_fee, url, trim(monthly_period) AS monthly_period, failure_reason FROM topup_sessions
      WHERE user_id = $1 ORDER BY id DESC LIMIT $2`,
    userId, limit,
  );
  if (rows.length === 0) return [];
  const reversals = await db.$queryRawUnsafe<{ topup_session_id: bigint; kind: 'refund' | 'dispute'; amount: bigint; from_wallet: bigint; to_receivable: bigint; created_at: Date }[]>(
    `SELECT topup_session_id, kind, amount, from_wallet, to_receivable, created_at FROM topup_reversals
      WHERE topup_session_id = ANY($1::int8[]) ORDER BY created_at, id`,
    rows.map((r) => r.id),
  );
  return rows.map((r) => {
    const m = (minor: bigint): Money => ({ minor, currency: r.currency });
    return {
      id: r.id, at: r.created_at, status: r.status, amount: m(r.amount),
      stripeFee: r.stripe_fee === null ? null : m(r.stripe_fee),
      checkoutUrl: r.status === 'open' ? r.url : null,
      monthlyPeriod: r.monthly_period, failureReason: r.failure_reason,
      reversals: reversals.filter((v) => v.topup_session_id === r.id)
        .map((v) => ({ kind: v.kind, amount: m(v.amount), fromWallet: m(v.from_wallet), toReceivable: m(v.to_receivable), at: v.created_at })),
    };
  });
}
