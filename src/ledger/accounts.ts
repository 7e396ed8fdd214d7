import type { Db, Tx } from '../db/database.js';

export type AccountKind = 'wallet' | 'creator' | 'escrow' | 'fees' | 'charity' | 'external';
export type AccountRef = { kind: AccountKind; userId?: number | null; identityId?: number | null; currency: string };

/**
 * Finds or creates accounts in one round trip per call. Keys are inserted in a
 * stable order so concurrent transactions never deadlock on the unique index.
 */
export async function ensureAccounts(tx: Tx | Db, refs: readonly AccountRef[]): Promise<number[]> {
  const key = (r: AccountRef) => `${r.kind}|${r.userId ?? ''}|${r.identityId ?? ''}|${r.currency}`;
  const unique = [...new Map(refs.map((r) => [key(r), r])).values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  const rows = await tx.$queryRawUnsafe<{ id: number; k: string }[]>(
    `WITH wanted AS (
       SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[]) AS w(kind, user_id, identity_id, currency)
     ), inserted AS (
       INSERT INTO accounts (kind, user_id, identity_id, currency)
       SELECT kind, user_id, identity_id, currency FROM wanted
       ON CONFLICT (kind, user_id, identity_id, currency) DO NOTHING
       RETURNING id, kind, user_id, identity_id, currency
     )
     SELECT a.id, a.kind || '|' || coalesce(a.user_id::text, '') || '|' || coalesce(a.identity_id::text, '') || '|' || a.currency AS k
       FROM (SELECT * FROM inserted UNION ALL
             SELECT acc.id, acc.kind, acc.user_id, acc.identity_id, acc.currency FROM accounts acc
               JOIN wanted w ON acc.kind = w.kind AND acc.currency = w.currency
                AND acc.user_id IS NOT DISTINCT FROM w.user_id AND acc.identity_id IS NOT DISTINCT FROM w.identity_id) a`,
    unique.map((r) => r.kind),
    unique.map((r) => r.userId ?? null),
    unique.map((r) => r.identityId ?? null),
    unique.map((r) => r.currency),
  );
  const ids = new Map(rows.map((r) => [r.k, r.id]));
  return refs.map((r) => {
    const id = ids.get(key(r));
    if (id === undefined) throw new Error(`account ${key(r)} could not be created`);
    return id;
  });
}
