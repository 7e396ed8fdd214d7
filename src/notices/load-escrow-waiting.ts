import type { Tx } from '../db/database.js';
import type { Money } from '../domain/money.js';

export type EscrowWaitingRow = { identityId: number; amounts: Money[]; returnsFrom: Date };

/**
 * Escrow held for unclaimed identities, in bulk: per identity, what waits
 * (per currency) and the day it starts going back to its supporters. The
 * same rule as src/people/load-person-money.ts (oldest credit still held,
 * after the last money out, plus ESCROW_HOLD_DAYS), for many identities in
 * one query. `unreminded` instead of ids: every unclaimed identity with
 * escrow that no digest has reminded yet.
 */
export async function loadEscrowWaiting(db: Pick<Tx, '$queryRawUnsafe'>, which: { identityIds: number[] } | { unreminded: true }, holdDays: number): Promise<Map<number, EscrowWaitingRow>> {
  const byIds = 'identityIds' in which;
  if (byIds && which.identityIds.length === 0) return new Map();
  const rows = await db.$queryRawUnsafe<{ identity_id: number; currency: string; minor: bigint; oldest: Date | null }[]>(
    `SELECT a.identity_id, trim(a.currency) AS currency, sum(e.amount)::int8 AS minor,
            min(t.created_at) FILTER (WHERE e.amount > 0 AND t.created_at > coalesce(
              (SELECT max(t2.created_at) FROM entries e2 JOIN transfers t2 ON t2.id = e2.transfer_id WHERE e2.account_id = a.id AND e2.amount < 0), '-infinity')) AS oldest
       FROM accounts a JOIN identities i ON i.id = a.identity_id AND i.user_id IS NULL
       JOIN entries e ON e.account_id = a.id JOIN transfers t ON t.id = e.transfer_id
      WHERE a.kind = 'escrow' AND ${byIds ? 'a.identity_id = ANY($1::int[])' : 'NOT EXISTS (SELECT 1 FROM escrow_reminders r WHERE r.identity_id = a.identity_id)'}
      GROUP BY a.id, a.identity_id, a.currency
     HAVING sum(e.amount) > 0
      ORDER BY a.identity_id, a.currency`,
    ...(byIds ? [which.identityIds] : []),
  );
  const waiting = new Map<number, EscrowWaitingRow>();
  for (const r of rows) {
    const returnsFrom = new Date((r.oldest ?? new Date()).getTime() + holdDays * 24 * 3600_000);
    const seen = waiting.get(r.identity_id);
    if (!seen) waiting.set(r.identity_id, { identityId: r.identity_id, amounts: [{ minor: r.minor, currency: r.currency }], returnsFrom });
    else {
      seen.amounts.push({ minor: r.minor, currency: r.currency });
      if (returnsFrom < seen.returnsFrom) seen.returnsFrom = returnsFrom;
    }
  }
  return waiting;
}
