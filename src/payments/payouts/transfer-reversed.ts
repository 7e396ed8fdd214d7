import { z } from 'zod';
import type { Db, Tx } from '../../db/database.js';
import { ensureAccounts } from '../../ledger/accounts.js';
import { postTransfer } from '../../ledger/post-transfer.js';
import type { StripeEventHandler } from '../webhook/handler.js';

/** The fields of a Stripe Transfer the hub reads (https://docs.stripe.com/api/transfers/object); `reversals` lists the latest ten. */
const reversedTransferSchema = z.object({
  id: z.string().startsWith('tr_'),
  amount: z.number().int().positive(),
  amount_reversed: z.number().int().min(0),
  reversals: z.object({
    data: z.array(z.object({ id: z.string(), amount: z.number().int(), created: z.number().int().optional() }).passthrough()),
  }).passthrough().nullish(),
}).passthrough();

export type ReversalOutcome = 'returned' | 'partly_returned' | 'already_returned' | 'unknown_transfer';

/**
 * `transfer.reversed`: Stripe took back all or part of a payout's transfer,
 * so that money goes back to the creator's balance. Each delivery returns
 * only what is newly reversed: the transfer's running `amount_reversed` minus
 * what the payout already gave back. The increment's ledger key names that
 * running total, so a redelivery, a second event about the same reversal,
 * or an older event arriving after a newer one returns nothing more; a later
 * partial reversal returns just its own part. Once everything came back the
 * payout is `returned`.
 */
export async function applyTransferReversed(tx: Tx, object: unknown): Promise<{ outcome: ReversalOutcome; increment: bigint }> {
  const transfer = reversedTransferSchema.parse(object);
  const [payout] = await tx.$queryRawUnsafe<{ id: bigint; user_id: number; currency: string; amount: bigint; returned: bigint }[]>(
    `SELECT id, user_id, trim(currency) AS currency, amount, returned FROM payouts WHERE stripe_transfer_id = $1 FOR UPDATE`, transfer.id,
  );
  if (!payout) return { outcome: 'unknown_transfer', increment: 0n };
  const reversedNow = BigInt(Math.min(transfer.amount_reversed, transfer.amount));
  const increment = (reversedNow < payout.amount ? reversedNow : payout.amount) - payout.returned;
  if (increment <= 0n) return { outcome: 'already_returned', increment: 0n };

  const key = `payout-reversal:${payout.id}:${reversedNow}`;
  const [creator, external] = await ensureAccounts(tx, [
    { kind: 'creator', userId: payout.user_id, currency: payout.currency },
    { kind: 'external_stripe', currency: payout.currency },
  ]);
  const whole = payout.returned + increment === payout.amount;
  const reason = whole ? `transfer ${transfer.id} reversed by Stripe` : `transfer ${transfer.id} partly reversed by Stripe (${reversedNow} of ${payout.amount})`;
  const { id: transferId } = await postTransfer(tx, {
    kind: 'payout_return', idempotencyKey: key, memo: reason,
    entries: [
      { accountId: external!, currency: payout.currency, amount: -increment },
      { accountId: creator!, currency: payout.currency, amount: increment },
    ],
  });
  await tx.$executeRawUnsafe(
    `INSERT INTO payout_reversals (id, payout_id, amount, stripe_reversal_ids, transfer_id) VALUES ($1, $2, $3, $4, $5)`,
    key, payout.id, increment, reversalsCovering(transfer.reversals?.data ?? [], payout.returned, reversedNow), transferId,
  );
  await tx.$executeRawUnsafe(
    `UPDATE payouts SET returned = returned + $2, reason = $3, status = CASE WHEN $4 THEN 'returned' ELSE status END, updated_at = now() WHERE id = $1`,
    payout.id, increment, reason, whole,
  );
  return { outcome: whole ? 'returned' : 'partly_returned', increment };
}

/**
 * The reversals (trr_…) whose money this increment returns: in the order
 * Stripe made them, those whose running total ends after what had come back
 * before and at most at the total reversed now. Reconciliation pairs the
 * increment with their balance transactions.
 */
function reversalsCovering(reversals: readonly { id: string; amount: number; created?: number }[], before: bigint, now: bigint): string[] {
  // Stripe lists them newest first: reversed, equal times keep the order they were made in.
  const ordered = [...reversals].reverse().sort((a, b) => (a.created ?? 0) - (b.created ?? 0));
  let total = 0n;
  const covered: string[] = [];
  for (const r of ordered) {
    total += BigInt(r.amount);
    if (total > before && total <= now) covered.push(r.id);
  }
  return covered;
}

/** The same outside a transaction (tests, an operator's script). */
export function applyTransferReversedNow(db: Db, object: unknown): Promise<{ outcome: ReversalOutcome; increment: bigint }> {
  return db.$transaction((tx) => applyTransferReversed(tx, object));
}

/** The webhook handler (src/payments/webhook/handlers.ts). */
export const transferReversedHandler: StripeEventHandler = {
  async handle(tx, event) {
    const { outcome, increment } = await applyTransferReversed(tx, event.data.object);
    if (outcome === 'returned') return `payout returned to the creator balance (${increment} now)`;
    if (outcome === 'partly_returned') return `${increment} of the payout returned to the creator balance (a partial reversal)`;
    return `ignored: ${outcome.replace('_', ' ')}`;
  },
};
