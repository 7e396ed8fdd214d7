import type { Db, Tx } from '../db/database.js';

/** A balance is the sum of its account's entries; nothing else is trusted. */
export async function accountBalance(db: Db | Tx, accountId: number): Promise<bigint> {
  const rows = await db.$queryRawUnsafe<{ balance: bigint }[]>(
    `SELECT coalesce(sum(amount), 0)::int8 AS balance FROM entries WHERE account_id = $1`, accountId,
  );
  return rows[0]!.balance;
}
