import type { Db } from '../../db/database.js';

/**
 * One movement of money between the hub and Stripe as the ledger knows it,
 * seen from the platform's Stripe balance: a top-up credited is +, a payout
 * transfer −, a reversed transfer coming back +. `stripeRef` is the Stripe id
 * its balance transaction names: the balance transaction itself (txn_…) or
 * its source (tr_…, trr_…).
 */
export type LedgerMovement = { stripeRef: string | null; amount: bigint; currency: string; at: Date; what: string };

/**
 * Where the ledger's Stripe movements are read from, each with the balance
 * transaction types it accounts for (only those are compared: Stripe's own
 * fees and the platform's bank payouts are not ledger movements).
 */
export type MovementSource = { name: string; stripeTypes: readonly string[]; read(db: Db, since: Date): Promise<LedgerMovement[]> };

/** Payouts: each transfer made (−amount), and each full reversal of one (+amount). */
export const payoutMovements: MovementSource = {
  name: 'payouts',
  stripeTypes: ['transfer', 'transfer_refund', 'transfer_cancel', 'transfer_failure'],
  async read(db, since) {
    const rows = await db.$queryRawUnsafe<{ id: bigint; user_id: number; currency: string; amount: bigint; stripe_transfer_id: string | null; stripe_reversal_id: string | null; created_at: Date; updated_at: Date }[]>(
      `SELECT id, user_id, trim(currency) AS currency, amount, stripe_transfer_id, stripe_reversal_id, created_at, updated_at
         FROM payouts WHERE stripe_transfer_id IS NOT NULL AND (created_at >= $1 OR updated_at >= $1) ORDER BY id`,
      since,
    );
    return rows.flatMap((r) => [
      ...(r.created_at >= since ? [{ stripeRef: r.stripe_transfer_id, amount: -r.amount, currency: r.currency, at: r.created_at, what: `payout ${r.id} to user ${r.user_id}` }] : []),
      ...(r.stripe_reversal_id ? [{ stripeRef: r.stripe_reversal_id, amount: r.amount, currency: r.currency, at: r.updated_at, what: `payout ${r.id} reversed` }] : []),
    ]);
  },
};

/**
 * Top-ups credited (part A's topup_sessions): the gross amount, matched by
 * the balance transaction id recorded with the credit. A credit without one
 * cannot be matched and is reported as such.
 */
export const topupMovements: MovementSource = {
  name: 'topups',
  stripeTypes: ['charge', 'payment'],
  async read(db, since) {
    const [present] = await db.$queryRawUnsafe<{ ok: boolean }[]>(`SELECT to_regclass('topup_sessions') IS NOT NULL AS ok`);
    if (!present?.ok) return [];
    const rows = await db.$queryRawUnsafe<{ id: bigint; amount: bigint; currency: string; balance_transaction_id: string | null; updated_at: Date }[]>(
      `SELECT id, amount, trim(currency) AS currency, balance_transaction_id, updated_at
         FROM topup_sessions WHERE credit_transfer_id IS NOT NULL AND updated_at >= $1 ORDER BY id`,
      since,
    );
    return rows.map((r) => ({ stripeRef: r.balance_transaction_id, amount: r.amount, currency: r.currency, at: r.updated_at, what: `top-up ${r.id}` }));
  },
};

export const MOVEMENT_SOURCES: readonly MovementSource[] = [topupMovements, payoutMovements];
