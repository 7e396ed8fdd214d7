import type { Db } from '../../db/database.js';
import type { Money } from '../../domain/money.js';

/** What a supporter owes after refunds or lost disputes, per currency (none when nothing is owed). */
export async function loadOwed(db: Db, userId: number): Promise<Money[]> {
  const rows = await db.$queryRawUnsafe<{ currency: string; owed: bigint }[]>(
    `SELECT trim(a.currency) AS currency, -sum(e.amount)::int8 AS owed FROM accounts a JOIN entries e ON e.account_id = a.id
      WHERE a.kind = 'receivable' AND a.user_id = $1 AND a.identity_id IS NULL GROUP BY a.currency HAVING sum(e.amount) < 0 ORDER BY 1`,
    userId,
  );
  return rows.map((r) => ({ minor: r.owed, currency: r.currency }));
}
