import type { Db } from '../db/database.js';
import type { Money } from '../domain/money.js';

/** One entry on a supporter's wallet: money in (a credit, escrow given back) or out (a month's charge). */
export type WalletMovement = {
  id: bigint;
  at: Date;
  /** The transfer's kind: funding, settlement, escrow_release, … */
  kind: string;
  period: string | null;
  amount: Money;
};

export type WalletPage = { balances: Money[]; movements: WalletMovement[]; next: bigint | null };

/**
 * The wallet's balance per currency and its entries, newest first, a page at
 * a time: `before` is the last entry id of the previous page (keyset paging,
 * so a credit arriving meanwhile shifts nothing). Read from the ledger, so
 * balance and movements always agree.
 */
export async function loadWalletMovements(db: Db, userId: number, o: { before?: bigint; limit: number }): Promise<WalletPage> {
  const balances = await db.$queryRawUnsafe<{ currency: string; minor: bigint }[]>(
    `SELECT trim(a.currency) AS currency, coalesce(sum(e.amount), 0)::int8 AS minor FROM accounts a LEFT JOIN entries e ON e.account_id = a.id
      WHERE a.kind = 'wallet' AND a.user_id = $1 GROUP BY a.currency ORDER BY a.currency`, userId,
  );
  const rows = await db.$queryRawUnsafe<{ id: bigint; at: Date; kind: string; period: string | null; currency: string; amount: bigint }[]>(
    `SELECT e.id, t.created_at AS at, t.kind, trim(t.period) AS period, trim(e.currency) AS currency, e.amount
       FROM accounts a JOIN entries e ON e.account_id = a.id JOIN transfers t ON t.id = e.transfer_id
      WHERE a.kind = 'wallet' AND a.user_id = $1 AND ($2::int8 IS NULL OR e.id < $2)
      ORDER BY e.id DESC LIMIT $3`,
    userId, o.before ?? null, o.limit + 1,
  );
  const page = rows.slice(0, o.limit);
  return {
    balances: balances.map((b) => ({ minor: b.minor, currency: b.currency })),
    movements: page.map((r) => ({ id: r.id, at: r.at, kind: r.kind, period: r.period, amount: { minor: r.amount, currency: r.currency } })),
    next: rows.length > o.limit ? page[page.length - 1]!.id : null,
  };
}
