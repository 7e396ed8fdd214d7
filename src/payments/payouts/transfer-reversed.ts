import { z } from 'zod';
import type { Db, Tx } from '../../db/database.js';
import type { StripeEventHandler } from '../webhook/handler.js';
import { returnPayoutIn } from './return-payout.js';

const reversedTransferSchema = z.object({
  id: z.string().startsWith('tr_'),
  amount: z.number().int(),
  amount_reversed: z.number().int(),
  reversals: z.object({ data: z.array(z.object({ id: z.string(), amount: z.number().int() }).passthrough()) }).passthrough().optional(),
}).passthrough();

export type ReversalOutcome = 'returned' | 'already_returned' | 'unknown_transfer' | 'partial_reversal';

/**
 * `transfer.reversed`: the money of a payout came back to the platform, so it
 * goes back to the creator's balance (once, whatever the redeliveries). Only
 * a full reversal returns the payout; a partial one is reported for the
 * operator, since a payout is returned whole or not at all here.
 */
export async function applyTransferReversed(tx: Tx, object: unknown): Promise<{ outcome: ReversalOutcome }> {
  const transfer = reversedTransferSchema.parse(object);
  const [payout] = await tx.$queryRawUnsafe<{ id: bigint }[]>(`SELECT id FROM payouts WHERE stripe_transfer_id = $1`, transfer.id);
  if (!payout) return { outcome: 'unknown_transfer' };
  if (transfer.amount_reversed < transfer.amount) return { outcome: 'partial_reversal' };
  const reversal = transfer.reversals?.data.at(-1);
  const { returned } = await returnPayoutIn(tx, payout.id, `transfer ${transfer.id} reversed by Stripe`, reversal?.id);
  return { outcome: returned ? 'returned' : 'already_returned' };
}

/** The same outside a transaction (tests, an operator's script). */
export function applyTransferReversedNow(db: Db, object: unknown): Promise<{ outcome: ReversalOutcome }> {
  return db.$transaction((tx) => applyTransferReversed(tx, object));
}

/** The webhook handler (src/payments/webhook/handlers.ts). */
export const transferReversedHandler: StripeEventHandler = {
  async handle(tx, event) {
    const { outcome } = await applyTransferReversed(tx, event.data.object);
    return outcome === 'returned' ? 'payout returned to the creator balance' : `ignored: ${outcome.replace('_', ' ')}`;
  },
};
