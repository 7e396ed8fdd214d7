import { z } from 'zod';
import type { Db } from '../../db/database.js';
import { returnPayout } from './return-payout.js';

const reversedTransferSchema = z.object({
  id: z.string().startsWith('tr_'),
  amount: z.number().int(),
  amount_reversed: z.number().int(),
  reversals: z.object({ data: z.array(z.object({ id: z.string(), amount: z.number().int() }).passthrough()) }).passthrough().optional(),
}).passthrough();

/**
 * `transfer.reversed`: the money of a payout came back to the platform, so it
 * goes back to the creator's balance (once, whatever the redeliveries). Only
 * a full reversal returns the payout; a partial one is reported for the
 * operator, since a payout is returned whole or not at all here.
 */
export async function applyTransferReversed(db: Db, object: unknown): Promise<{ outcome: 'returned' | 'already_returned' | 'unknown_transfer' | 'partial_reversal' }> {
  const transfer = reversedTransferSchema.parse(object);
  const [payout] = await db.$queryRawUnsafe<{ id: bigint }[]>(`SELECT id FROM payouts WHERE stripe_transfer_id = $1`, transfer.id);
  if (!payout) return { outcome: 'unknown_transfer' };
  if (transfer.amount_reversed < transfer.amount) return { outcome: 'partial_reversal' };
  const reversal = transfer.reversals?.data.at(-1);
  const { returned } = await returnPayout(db, payout.id, `transfer ${transfer.id} reversed by Stripe`, reversal?.id);
  return { outcome: returned ? 'returned' : 'already_returned' };
}
