import Stripe from 'stripe';
import type { Db } from '../../db/database.js';
import { recordReversalBalanceTransactions } from '../topups/reversal-balance-transactions.js';
import { isTransientStripeError } from '../stripe-client.js';

/**
 * One movement of money between the hub and Stripe as the ledger knows it,
 * seen from the platform's Stripe balance: a top-up credited is +, a payout
 * transfer −, a reversed transfer coming back +. `stripeRefs` are the Stripe
 * ids of the balance transactions it stands for: each the balance
 * transaction itself (txn_…) or its source (tr_…, trr_…); several when one
 * ledger movement covers several at Stripe (a payout reversed in parts
 * Stripe made at once), none when the ledger recorded none.
 */
export type LedgerMovement = { stripeRefs: string[]; amount: bigint; currency: string; at: Date; what: string };

/**
 * Where the ledger's Stripe movements are read from, each with the balance
 * transaction types it accounts for (only those are compared: Stripe's own
 * fees and the platform's bank payouts are not ledger movements). `complete`,
 * before reading, asks Stripe for references recorded best effort that are
 * still unknown.
 */
export type MovementSource = {
  name: string;
  stripeTypes: readonly string[];
  complete?(db: Db, stripe: Stripe, since: Date): Promise<void>;
  read(db: Db, since: Date): Promise<LedgerMovement[]>;
};

/**
 * Payouts: each transfer made (−amount), and what each transfer.reversed
 * gave back (+increment, paired with the reversals it covers; a full
 * reversal from before partial ones were followed kept its one trr_ id on
 * the payout).
 */
export const payoutMovements: MovementSource = {
  name: 'payouts',
  stripeTypes: ['transfer', 'transfer_refund', 'transfer_cancel', 'transfer_failure'],
  async read(db, since) {
    const rows = await db.$queryRawUnsafe<{ id: bigint; user_id: number; currency: string; amount: bigint; stripe_transfer_id: string | null; stripe_reversal_id: string | null; created_at: Date; updated_at: Date }[]>(
      `SELECT id, user_id, trim(currency) AS currency, amount, stripe_transfer_id, stripe_reversal_id, created_at, updated_at
         FROM payouts WHERE stripe_transfer_id IS NOT NULL AND (created_at >= $1 OR updated_at >= $1) ORDER BY id`,
      since,
    );
    const parts = await db.$queryRawUnsafe<{ payout_id: bigint; amount: bigint; currency: string; stripe_reversal_ids: string[]; created_at: Date }[]>(
      `SELECT r.payout_id, r.amount, trim(p.currency) AS currency, r.stripe_reversal_ids, r.created_at
         FROM payout_reversals r JOIN payouts p ON p.id = r.payout_id WHERE r.created_at >= $1 ORDER BY r.created_at, r.id`,
      since,
    );
    return [
      ...rows.flatMap((r) => [
        ...(r.created_at >= since ? [{ stripeRefs: [r.stripe_transfer_id!], amount: -r.amount, currency: r.currency, at: r.created_at, what: `payout ${r.id} to user ${r.user_id}` }] : []),
        ...(r.stripe_reversal_id ? [{ stripeRefs: [r.stripe_reversal_id], amount: r.amount, currency: r.currency, at: r.updated_at, what: `payout ${r.id} reversed` }] : []),
      ]),
      ...parts.map((p) => ({ stripeRefs: p.stripe_reversal_ids, amount: p.amount, currency: p.currency, at: p.created_at, what: `payout ${p.payout_id} reversed (${p.amount})` })),
    ];
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
    return rows.map((r) => ({ stripeRefs: r.balance_transaction_id ? [r.balance_transaction_id] : [], amount: r.amount, currency: r.currency, at: r.updated_at, what: `top-up ${r.id}` }));
  },
};

/**
 * Refunds and lost disputes of top-ups: what the ledger took back (−amount,
 * money leaving the platform's Stripe balance), paired with the balance
 * transactions recorded with each (a refund's `refund`, a dispute's
 * `adjustment`). A dispute's withdrawal happens when it opens, weeks before
 * it is lost: until then it is at Stripe only, and listed as missing in the
 * ledger; one won nets to nothing at Stripe (compare-movements.ts).
 */
export const topupReversalMovements: MovementSource = {
  name: 'refunds and disputes',
  stripeTypes: ['refund', 'adjustment'],
  async complete(db, stripe, since) {
    const unknown = await db.$queryRawUnsafe<{ id: string }[]>(
      `SELECT id FROM topup_reversals WHERE created_at >= $1 AND cardinality(balance_transaction_ids) = 0 ORDER BY created_at, id`, since,
    );
    for (const { id } of unknown) {
      // Stripe no longer knowing the refund or dispute leaves the reversal unpaired: listed, not fatal.
      await recordReversalBalanceTransactions(db, stripe, id).catch((error: unknown) => {
        if (isTransientStripeError(error) || !(error instanceof Stripe.errors.StripeError)) throw error;
      });
    }
  },
  async read(db, since) {
    const rows = await db.$queryRawUnsafe<{ id: string; kind: string; amount: bigint; currency: string; topup_id: bigint; ids: string[]; created_at: Date }[]>(
      `SELECT r.id, r.kind, r.amount, trim(s.currency) AS currency, s.id AS topup_id, r.balance_transaction_ids AS ids, r.created_at
         FROM topup_reversals r JOIN topup_sessions s ON s.id = r.topup_session_id WHERE r.created_at >= $1 ORDER BY r.created_at, r.id`,
      since,
    );
    return rows.map((r) => ({
      stripeRefs: r.ids, amount: -r.amount, currency: r.currency, at: r.created_at,
      what: `${r.kind === 'dispute' ? 'lost dispute' : 'refund'} of top-up ${r.topup_id} (${r.id})`,
    }));
  },
};

export const MOVEMENT_SOURCES: readonly MovementSource[] = [topupMovements, topupReversalMovements, payoutMovements];
