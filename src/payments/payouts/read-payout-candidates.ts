import type { Db, Tx } from '../../db/database.js';
import type { PayoutCandidate } from './plan-payouts.js';

type Row = { user_id: number; currency: string; balance: bigint; stripe_account_id: string | null; payouts_enabled: boolean | null; requirements_due: string[] | null; last_sequence: number };

/**
 * Every creator balance above zero with its connected account and last payout
 * sequence; with `userId`, that creator's only (read again under its lock).
 */
export async function readPayoutCandidates(db: Db | Tx, userId?: number): Promise<PayoutCandidate[]> {
  const rows = await db.$queryRawUnsafe<Row[]>(
    `SELECT a.user_id, trim(a.currency) AS currency, b.balance, c.stripe_account_id, c.payouts_enabled, c.requirements_due,
            coalesce((SELECT max(p.sequence) FROM payouts p WHERE p.user_id = a.user_id AND p.currency = a.currency), 0)::int AS last_sequence
       FROM accounts a
      CROSS JOIN LATERAL (SELECT coalesce(sum(e.amount), 0)::int8 AS balance FROM entries e WHERE e.account_id = a.id) b
       LEFT JOIN stripe_connected_accounts c ON c.user_id = a.user_id
      WHERE a.kind = 'creator' AND b.balance > 0 AND ($1::int IS NULL OR a.user_id = $1)
      ORDER BY a.user_id, a.currency`,
    userId ?? null,
  );
  return rows.map((r) => ({
    userId: r.user_id, currency: r.currency, balance: r.balance, lastSequence: r.last_sequence,
    account: r.stripe_account_id ? { stripeAccountId: r.stripe_account_id, payoutsEnabled: Boolean(r.payouts_enabled), requirementsDue: r.requirements_due ?? [] } : undefined,
  }));
}
