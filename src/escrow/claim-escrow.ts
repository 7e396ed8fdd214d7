import type { Tx } from '../db/database.js';
import type { Money } from '../domain/money.js';
import { ensureAccounts } from '../ledger/accounts.js';
import { holdEscrowFenceExclusive } from './escrow-fence.js';
import { postTransfer, type EntryInput } from '../ledger/post-transfer.js';
import { repointRecipientInRunningRuns } from '../settlement/repoint-recipient.js';

type PayerBalance = { account_id: number; currency: string; payer_user_id: number | null; balance: bigint; last_entry: bigint };

/**
 * Money rule 9: when an identity is claimed, its whole escrow (every
 * currency) moves to the creator's balance in one transfer, debiting each
 * paying supporter's part so escrow stays traceable to zero.
 *
 * Call it in the transaction that sets identities.user_id. It takes the
 * escrow fence (see escrow-fence.ts) exclusively, so every settlement batch
 * either commits its escrow credit before this moves the escrow, or starts
 * after and credits the creator directly (the claim re-points running runs'
 * recipients before it lets them go on). Idempotent: an empty escrow posts nothing, and the key names the
 * last escrow entry moved, so a retried call with the same state is a no-op.
 * Returns what moved, per currency, so the person claiming can be told.
 */
export async function claimEscrow(tx: Tx, identityId: number, userId: number): Promise<Money[]> {
  await holdEscrowFenceExclusive(tx);
  await repointRecipientInRunningRuns(tx, identityId, userId);
  await tx.$queryRawUnsafe(`SELECT id FROM accounts WHERE kind = 'escrow' AND identity_id = $1 ORDER BY id FOR UPDATE`, identityId);
  const rows = await tx.$queryRawUnsafe<PayerBalance[]>(
    `SELECT a.id AS account_id, a.currency, e.payer_user_id, sum(e.amount)::int8 AS balance, max(e.id)::int8 AS last_entry
       FROM accounts a JOIN entries e ON e.account_id = a.id
      WHERE a.kind = 'escrow' AND a.identity_id = $1
      GROUP BY a.id, a.currency, e.payer_user_id
     HAVING sum(e.amount) <> 0
      ORDER BY a.currency, e.payer_user_id`,
    identityId,
  );
  if (rows.length === 0) return [];
  const currencies = [...new Set(rows.map((r) => r.currency))];
  const creators = await ensureAccounts(tx, currencies.map((currency) => ({ kind: 'creator' as const, userId, currency })));
  const entries: EntryInput[] = rows.map((r) => ({ accountId: r.account_id, currency: r.currency, amount: -r.balance, payerUserId: r.payer_user_id }));
  const moved = currencies.map((currency, i) => {
    const total = rows.filter((r) => r.currency === currency).reduce((sum, r) => sum + r.balance, 0n);
    entries.push({ accountId: creators[i]!, currency, amount: total });
    return { minor: total, currency: currency.trim() };
  });
  const lastEntry = rows.reduce((max, r) => (r.last_entry > max ? r.last_entry : max), 0n);
  await postTransfer(tx, {
    kind: 'escrow_claim',
    idempotencyKey: `escrow-claim:${identityId}:${lastEntry}`,
    memo: `identity ${identityId} claimed by user ${userId}`,
    entries,
  });
  return moved;
}
