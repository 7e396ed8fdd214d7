import type { Tx } from '../db/database.js';
import { IdempotencyKeyConflictError } from '../domain/errors.js';

export type EntryInput = { accountId: number; currency: string; amount: bigint; payerUserId?: number | null };
export type TransferInput = { kind: string; idempotencyKey: string; period?: string; memo?: string; entries: readonly EntryInput[] };

export class UnbalancedTransferError extends Error {
  readonly code = 'UNBALANCED_TRANSFER';
}

/**
 * Appends one double-entry transfer. Entries must sum to zero per currency.
 * The idempotency key names one operation (money rule 11): posting the same
 * operation again (same kind, period and entries, in any order; zero
 * entries are never written) returns the existing transfer id with
 * `created: false`; anything else under that key throws
 * IdempotencyKeyConflictError. Either way nothing is written twice.
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
  const entries = transfer.entries.filter((e) => e.amount !== 0n);
  if (!inserted[0]) return { id: await sameOperation(tx, transfer, entries), created: false };
  const id = inserted[0].id;
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

/**
 * The id of the transfer already posted under `transfer`'s key, when it is
 * the same operation; else IdempotencyKeyConflictError. Its entries are read
 * by transfer id through a BRIN index (a B-tree made settlement's writes a
 * third slower): a few block ranges, paid only when a key is used again.
 */
async function sameOperation(tx: Tx, transfer: TransferInput, entries: readonly EntryInput[]): Promise<bigint> {
  // A concurrent first post of this key has committed by now: the insert waited for it.
  const [stored] = await tx.$queryRawUnsafe<{ id: bigint; kind: string; period: string | null; memo: string | null }[]>(
    `SELECT id, kind, trim(period) AS period, memo FROM transfers WHERE idempotency_key = $1`, transfer.idempotencyKey,
  );
  const storedEntries = await tx.$queryRawUnsafe<EntryInput[]>(
    `SELECT account_id AS "accountId", trim(currency) AS currency, amount, payer_user_id AS "payerUserId" FROM entries WHERE transfer_id = $1`, stored!.id,
  );
  const operation = (kind: string, period: string | null, legs: readonly EntryInput[]) =>
    JSON.stringify([kind, period, legs.map((e) => `${e.accountId}|${e.currency}|${e.amount}|${e.payerUserId ?? ''}`).sort()]);
  if (operation(stored!.kind, stored!.period, storedEntries) !== operation(transfer.kind, transfer.period ?? null, entries)) {
    throw new IdempotencyKeyConflictError(transfer.idempotencyKey, `transfer ${stored!.id} (${stored!.kind}${stored!.memo ? `: ${stored!.memo}` : ''})`);
  }
  return stored!.id;
}
