import type { Tx } from '../db/database.js';

export type EntryInput = { accountId: number; currency: string; amount: bigint; payerUserId?: number | null };
export type TransferInput = { kind: string; idempotencyKey: string; period?: string; memo?: string; entries: readonly EntryInput[] };

export class UnbalancedTransferError extends Error {
  readonly code = 'UNBALANCED_TRANSFER';
}

/**
 * Appends one double-entry transfer. Entries must sum to zero per currency.
 * The idempotency key makes a retried post a no-op: it returns the existing
 * transfer id with `created: false`, and nothing is written twice.
 */
export async function postTransfer(tx: Tx, transfer: TransferInput): Promise<{ id: bigint; created: boolean }> {
  const sums = new Map<string, bigint>();
  for (const e of transfer.entries) {
    if (typeof e.amount !== 'bigint') throw new UnbalancedTransferError('entry amounts must be bigint minor units');
    sums.set(e.currency, (sums.get(e.currency) ?? 0n) + e.amount);
  }
  for (const [currency, sum] of sums) {
    if (sum !== 0n) throw new UnbalancedTransferError(`transfer ${transfer.idempotencyKey} is off by ${sum} ${currency}`);
  }
  const inserted = await tx.$queryRawUnsafe<{ id: bigint }[]>(
    `INSERT INTO transfers (kind, idempotency_key, period, memo) VALUES ($1, $2, $3, $4)
     ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`,
    transfer.kind, transfer.idempotencyKey, transfer.period ?? null, transfer.memo ?? null,
  );
  if (!inserted[0]) {
    const existing = await tx.$queryRawUnsafe<{ id: bigint }[]>(`SELECT id FROM transfers WHERE idempotency_key = $1`, transfer.idempotencyKey);
    return { id: existing[0]!.id, created: false };
  }
  const id = inserted[0].id;
  const entries = transfer.entries.filter((e) => e.amount !== 0n);
  await tx.$executeRawUnsafe(
    `INSERT INTO entries (transfer_id, account_id, currency, amount, payer_user_id)
     SELECT $1, * FROM unnest($2::int[], $3::text[], $4::int8[], $5::int[])`,
    id,
    entries.map((e) => e.accountId),
    entries.map((e) => e.currency),
    entries.map((e) => e.amount),
    entries.map((e) => e.payerUserId ?? null),
  );
  return { id, created: true };
}
