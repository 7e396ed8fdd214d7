import type { Db, Tx } from '../db/database.js';

/**
 * `external` is money in and out by hand (`wallet credit`); `external_stripe` through Stripe (src/payments), kept
 * apart so it reconciles with Stripe's balance. `receivable` (a user's): what a supporter owes after a refund or a
 * lost dispute took back money already spent; its balance is minus what is owed, so it is never above zero.
 */
export type AccountKind = 'wallet' | 'creator' | 'escrow' | 'fees' | 'charity' | 'external' | 'external_stripe' | 'receivable';
export type AccountRef = { kind: AccountKind; userId?: number | null; identityId?: number | null; currency: string };

/**
 * SQL: the CTEs `created` and `known` over a CTE named `wanted` (kind,
 * user_id, identity_id, currency): every wanted account, created when
 * missing, with its id. Inserts in the unique index's order so concurrent
 * transactions never deadlock on it; accounts that existed come from the
 * statement's snapshot, new ones from the insert. An account is a user's
 * (wallet, creator), an identity's (escrow) or the house's (the rest), never
 * both a user's and an identity's.
 */
export const ACCOUNTS_OF_WANTED = `
  created AS (
    INSERT INTO accounts (kind, user_id, identity_id, currency)
    SELECT kind, user_id, identity_id, currency FROM wanted
     ORDER BY kind, user_id, identity_id, currency
    ON CONFLICT (kind, user_id, identity_id, currency) DO NOTHING
    RETURNING id, kind, user_id, identity_id, currency
  ),
  known AS (
    SELECT id, kind, user_id, identity_id, currency FROM created
    UNION ALL
    -- One join per owner shape (a user's, an identity's, the house's), each
    -- an equality or IS NULL on every column of the unique index, so existing
    -- accounts are found by index probes, not by reading every account.
    SELECT a.id, a.kind, a.user_id, a.identity_id, a.currency FROM wanted w
      JOIN accounts a ON a.kind = w.kind AND a.user_id = w.user_id AND a.identity_id IS NULL AND a.currency = w.currency
     WHERE w.identity_id IS NULL
    UNION ALL
    SELECT a.id, a.kind, a.user_id, a.identity_id, a.currency FROM wanted w
      JOIN accounts a ON a.kind = w.kind AND a.user_id IS NULL AND a.identity_id = w.identity_id AND a.currency = w.currency
     WHERE w.user_id IS NULL
    UNION ALL
    SELECT a.id, a.kind, a.user_id, a.identity_id, a.currency FROM wanted w
      JOIN accounts a ON a.kind = w.kind AND a.user_id IS NULL AND a.identity_id IS NULL AND a.currency = w.currency
     WHERE w.user_id IS NULL AND w.identity_id IS NULL
  )`;

/**
 * Finds or creates accounts in one round trip per call (two when another
 * transaction created one of them meanwhile). Keys are inserted in a stable
 * order so concurrent transactions never deadlock on the unique index.
 */
export async function ensureAccounts(tx: Tx | Db, refs: readonly AccountRef[]): Promise<number[]> {
  const key = (r: AccountRef) => `${r.kind}|${r.userId ?? ''}|${r.identityId ?? ''}|${r.currency}`;
  const unique = [...new Map(refs.map((r) => [key(r), r])).values()].sort((a, b) => (key(a) < key(b) ? -1 : 1));
  const find = (wanted: readonly AccountRef[]) => tx.$queryRawUnsafe<{ id: number; k: string }[]>(
    `WITH wanted AS (
       SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[]) AS w(kind, user_id, identity_id, currency)
     ), ${ACCOUNTS_OF_WANTED}
     SELECT id, kind || '|' || coalesce(user_id::text, '') || '|' || coalesce(identity_id::text, '') || '|' || currency AS k FROM known`,
    wanted.map((r) => r.kind),
    wanted.map((r) => r.userId ?? null),
    wanted.map((r) => r.identityId ?? null),
    wanted.map((r) => r.currency),
  );
  const ids = new Map((await find(unique)).map((r) => [r.k, r.id]));
  // An account another transaction created while this statement waited on
  // its insert is neither returned by the insert (it conflicted) nor in the
  // statement's snapshot (it committed later): asked again, a new statement
  // sees it.
  const missing = unique.filter((r) => !ids.has(key(r)));
  if (missing.length > 0) for (const r of await find(missing)) ids.set(r.k, r.id);
  return refs.map((r) => {
    const id = ids.get(key(r));
    if (id === undefined) throw new Error(`account ${key(r)} could not be created`);
    return id;
  });
}
