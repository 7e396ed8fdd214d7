import type { Db } from '../db/database.js';
import type { Platform } from '../domain/like-event.js';
import type { Money } from '../domain/money.js';
import { loadOwed } from '../payments/topups/load-owed.js';

export type IdentityRef = { platform: string; externalId: string; handle: string | null };

/** Money waiting in escrow for one unclaimed identity, and when it starts going back to its supporters. */
export type EscrowWaiting = { identity: IdentityRef; amount: Money; returnsFrom: Date };

/**
 * Both sides of a person's money (money rules 8–9): as a supporter (budget,
 * wallet, flattrs not yet settled) and as a creator (balance, what the last
 * settled period brought, escrow still waiting). An identity nobody claimed
 * has only its escrow. Read-only: showing never creates anyone.
 */
export type PersonMoney = {
  identity: IdentityRef;
  userId: number | null;
  identities: IdentityRef[];
  /** `owed`: what refunds or lost disputes left them owing, per currency (empty when nothing); their likes wait until it is settled. */
  supporter?: { currency: string; budget: Money; active: boolean; platforms: string[]; wallet: Money; owed: Money[]; pendingFlattrs: number; pendingPeriods: string[] };
  creator: { balances: Money[]; lastPeriod?: { period: string; received: Money[]; supporters: number }; escrow: EscrowWaiting[] };
};

export async function loadPersonMoney(db: Db, platform: Platform, externalId: string, holdDays: number): Promise<PersonMoney | undefined> {
  const [identity] = await db.$queryRawUnsafe<{ id: number; user_id: number | null; handle: string | null }[]>(
    `SELECT id, user_id, handle FROM identities WHERE platform = $1 AND external_id = $2`, platform, externalId,
  );
  if (!identity) return undefined;
  const self: IdentityRef = { platform, externalId, handle: identity.handle };
  if (identity.user_id === null) {
    return { identity: self, userId: null, identities: [self], creator: { balances: [], escrow: await escrowWaiting(db, [identity.id], holdDays) } };
  }
  const userId = identity.user_id;
  const identities = await db.$queryRawUnsafe<(IdentityRef & { id: number })[]>(
    `SELECT id, platform, external_id AS "externalId", handle FROM identities WHERE user_id = $1 ORDER BY platform, external_id`, userId,
  );
  return {
    identity: self, userId,
    identities: identities.map(({ id: _id, ...ref }) => ref),
    supporter: await supporterSide(db, userId),
    creator: {
      balances: await balances(db, userId, 'creator'),
      lastPeriod: await lastPeriodIncome(db, userId),
      escrow: await escrowWaiting(db, identities.map((i) => i.id), holdDays),
    },
  };
}

async function supporterSide(db: Db, userId: number): Promise<PersonMoney['supporter']> {
  const [row] = await db.$queryRawUnsafe<{ currency: string; budget_minor: bigint; active: boolean; platforms: string[] }[]>(
    `SELECT trim(u.currency) AS currency, s.budget_minor, s.active, s.platforms FROM supporter_settings s JOIN users u ON u.id = s.user_id WHERE s.user_id = $1`, userId,
  );
  if (!row) return undefined;
  const wallet = (await balances(db, userId, 'wallet')).find((b) => b.currency === row.currency) ?? { minor: 0n, currency: row.currency };
  // Not yet settled: active flattrs of periods whose run has not started (money rule 2 keeps them settleable).
  const pending = await db.$queryRawUnsafe<{ period: string; n: number }[]>(
    `SELECT f.period, count(*)::int AS n FROM flattrs f
      WHERE f.supporter_id = $1 AND f.status = 'active' AND NOT EXISTS (SELECT 1 FROM settlement_runs r WHERE r.period = f.period)
      GROUP BY f.period ORDER BY f.period`, userId,
  );
  return {
    currency: row.currency, budget: { minor: row.budget_minor, currency: row.currency }, active: row.active, platforms: row.platforms, wallet,
    owed: await loadOwed(db, userId),
    pendingFlattrs: pending.reduce((sum, p) => sum + p.n, 0), pendingPeriods: pending.map((p) => p.period),
  };
}

/** A user's wallet or creator balance per currency: the sum of the account's entries. */
export async function balances(db: Db, userId: number, kind: 'wallet' | 'creator'): Promise<Money[]> {
  const rows = await db.$queryRawUnsafe<{ currency: string; minor: bigint }[]>(
    `SELECT trim(a.currency) AS currency, coalesce(sum(e.amount), 0)::int8 AS minor FROM accounts a LEFT JOIN entries e ON e.account_id = a.id
      WHERE a.kind = $2 AND a.user_id = $1 GROUP BY a.currency ORDER BY a.currency`, userId, kind,
  );
  return rows.map((r) => ({ minor: r.minor, currency: r.currency }));
}

/** The shares of the latest settled period whose recipients are this user's identities now (claimed since or not). */
async function lastPeriodIncome(db: Db, userId: number): Promise<NonNullable<PersonMoney['creator']['lastPeriod']> | undefined> {
  const rows = await db.$queryRawUnsafe<{ period: string; currency: string; minor: bigint; supporters: number }[]>(
    `WITH last AS (SELECT max(period) AS period FROM settlement_runs WHERE status = 'settled')
     SELECT trim(s.period) AS period, trim(s.currency) AS currency, sum(u.amount)::int8 AS minor, count(DISTINCT s.supporter_id)::int AS supporters
       FROM last JOIN supporter_settlements s ON s.period = last.period
      CROSS JOIN LATERAL unnest(s.flattr_ids, s.shares) AS u(flattr_id, amount)
       JOIN flattrs f ON f.id = u.flattr_id
       JOIN identities i ON i.id = f.recipient_identity_id AND i.user_id = $1
      WHERE s.charged > 0
      GROUP BY s.period, s.currency ORDER BY s.currency`, userId,
  );
  if (rows.length === 0) return undefined;
  return { period: rows[0]!.period, received: rows.map((r) => ({ minor: r.minor, currency: r.currency })), supporters: Math.max(...rows.map((r) => r.supporters)) };
}

/**
 * Escrow held for these identities while unclaimed. It goes back to the
 * supporters who paid it ESCROW_HOLD_DAYS after each credit: the oldest
 * credit still held sets the first date.
 */
export async function escrowWaiting(db: Db, identityIds: number[], holdDays: number): Promise<EscrowWaiting[]> {
  if (identityIds.length === 0) return [];
  const rows = await db.$queryRawUnsafe<{ platform: string; external_id: string; handle: string | null; currency: string; minor: bigint; oldest: Date }[]>(
    `SELECT i.platform, i.external_id, i.handle, trim(a.currency) AS currency, sum(e.amount)::int8 AS minor,
            min(t.created_at) FILTER (WHERE e.amount > 0 AND t.created_at > coalesce(
              (SELECT max(t2.created_at) FROM entries e2 JOIN transfers t2 ON t2.id = e2.transfer_id WHERE e2.account_id = a.id AND e2.amount < 0), '-infinity')) AS oldest
       FROM identities i JOIN accounts a ON a.kind = 'escrow' AND a.identity_id = i.id
       JOIN entries e ON e.account_id = a.id JOIN transfers t ON t.id = e.transfer_id
      WHERE i.id = ANY($1::int[])
      GROUP BY i.platform, i.external_id, i.handle, a.id, a.currency
     HAVING sum(e.amount) > 0
      ORDER BY i.platform, i.external_id, a.currency`, identityIds,
  );
  return rows.map((r) => ({
    identity: { platform: r.platform, externalId: r.external_id, handle: r.handle },
    amount: { minor: r.minor, currency: r.currency },
    returnsFrom: new Date((r.oldest ?? new Date()).getTime() + holdDays * 24 * 3600_000),
  }));
}
