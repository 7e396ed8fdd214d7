import type { Db, Tx } from '../../db/database.js';
import { ensureAccounts } from '../../ledger/accounts.js';
import { postTransfer } from '../../ledger/post-transfer.js';

/**
 * A payout that did not reach the creator (a transfer Stripe refused for
 * good) gives its money back to the creator balance with the reason, once:
 * the return is keyed by the payout, and a payout already returned is left as
 * it is. A transfer Stripe made and reversed later comes back by
 * transfer-reversed.ts instead, in as many parts as Stripe reversed it.
 */
export async function returnPayout(db: Db, payoutId: bigint, reason: string): Promise<{ returned: boolean }> {
  return db.$transaction((tx) => returnPayoutIn(tx, payoutId, reason));
}

/** The same inside a transaction the caller holds. */
export async function returnPayoutIn(tx: Tx, payoutId: bigint, reason: string): Promise<{ returned: boolean }> {
  const [payout] = await tx.$queryRawUnsafe<{ user_id: number; currency: string; amount: bigint; status: string; returned: bigint }[]>(
    `SELECT user_id, trim(currency) AS currency, amount, status, returned FROM payouts WHERE id = $1 FOR UPDATE`, payoutId,
  );
  if (!payout) throw new Error(`payout ${payoutId} does not exist`);
  if (payout.status === 'returned') return { returned: false };
  // Part of it already came back by a reversal: its transfer was made, so it is no refusal to return whole.
  if (payout.returned > 0n) throw new Error(`payout ${payoutId} was partly reversed at Stripe; it is not returned whole`);
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
    `UPDATE payouts SET status = 'returned', returned = amount, reason = $2, return_transfer_id = $3, updated_at = now() WHERE id = $1`,
    payoutId, reason.slice(0, 500), id,
  );
  return { returned: true };
}
