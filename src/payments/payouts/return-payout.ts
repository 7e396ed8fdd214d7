import type { Db, Tx } from '../../db/database.js';
import { ensureAccounts } from '../../ledger/accounts.js';
import { postTransfer } from '../../ledger/post-transfer.js';

/**
 * A payout that did not reach the creator (a transfer Stripe refused for good,
 * or one reversed later: `transfer.reversed`) gives its money back to the
 * creator balance with the reason, once: the return is keyed by the payout,
 * and a payout already returned is left as it is.
 */
export async function returnPayout(db: Db, payoutId: bigint, reason: string, stripeReversalId?: string): Promise<{ returned: boolean }> {
  return db.$transaction((tx) => returnPayoutIn(tx, payoutId, reason, stripeReversalId));
}

/** The same inside a transaction the caller holds (a webhook handler's). */
export async function returnPayoutIn(tx: Tx, payoutId: bigint, reason: string, stripeReversalId?: string): Promise<{ returned: boolean }> {
  const [payout] = await tx.$queryRawUnsafe<{ user_id: number; currency: string; amount: bigint; status: string }[]>(
    `SELECT user_id, trim(currency) AS currency, amount, status FROM payouts WHERE id = $1 FOR UPDATE`, payoutId,
  );
  if (!payout) throw new Error(`payout ${payoutId} does not exist`);
  if (payout.status === 'returned') return { returned: false };
  const [creator, external] = await ensureAccounts(tx, [
    { kind: 'creator', userId: payout.user_id, currency: payout.currency },
    { kind: 'external_stripe', currency: payout.currency },
  ]);
  const { id } = await postTransfer(tx, {
    kind: 'payout_return',
    idempotencyKey: `payout-return:${payoutId}`,
    memo: reason.slice(0, 500),
    entries: [
      { accountId: external!, currency: payout.currency, amount: -payout.amount },
      { accountId: creator!, currency: payout.currency, amount: payout.amount },
    ],
  });
  await tx.$executeRawUnsafe(
    `UPDATE payouts SET status = 'returned', reason = $2, return_transfer_id = $3, stripe_reversal_id = coalesce($4, stripe_reversal_id), updated_at = now() WHERE id = $1`,
    payoutId, reason.slice(0, 500), id, stripeReversalId ?? null,
  );
  return { returned: true };
}
