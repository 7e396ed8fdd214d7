import type { Db } from '../../db/database.js';
import type { Money } from '../../domain/money.js';
import { escrowWaiting, type EscrowWaiting, type IdentityRef } from '../../people/load-person-money.js';
import { fillCreatorEarnings } from './fill-creator-earnings.js';

/** Months on one page of /earnings, newest first. */
export const MONTHS_PER_PAGE = 12;
/** Communities listed under a month, largest first; the rest are counted. */
export const COMMUNITIES_PER_MONTH = 10;

export type CommunityEarning = { platform: string; community: string; name: string | null; amount: Money; flattrs: number; supporters: number };
export type MonthEarning = { period: string; received: Money[]; flattrs: number; communities: CommunityEarning[]; moreCommunities: number };

/** A creator's side of the money, as the earnings page shows it. */
export type CreatorEarnings = {
  /** The user's language, read in the same statement (the Operator link comes with the session now). */
  user: { locale: string };
  balances: Money[];
  /** The user's identities (all claimed: they are the user's) and what each received over every settled period. */
  identities: (IdentityRef & { received: Money[] })[];
  /** Escrow still held for the user's identities, and when it starts going back. */
  escrow: EscrowWaiting[];
  /** Settled periods in which something was received, newest first, one page of them. */
  months: MonthEarning[];
  page: { number: number; size: number; hasMore: boolean };
};

/** Amounts travel as text inside the JSON: int8 beyond 2^53 would round as a JSON number. */
type Amount = { currency: string; minor: string };
type Row = {
  locale: string;
  missing: number;
  escrow_accounts: boolean;
  balances: Amount[];
  identities: (IdentityRef & { id: number; received: Amount[] })[];
  months: { period: string; received: Amount[]; flattrs: number; more: number;
    communities: { platform: string; community: string; name: string | null; currency: string; minor: string; flattrs: number; supporters: number }[] }[];
  has_more: boolean;
};

/**
 * Everything /earnings and GET /api/v1/earnings show, from the ledger (balance,
 * escrow) and the per-period sums of the recorded split (fillCreatorEarnings):
 * nothing is split again here. Pages go by month, twelve at a time. One
 * statement answers the page (a round trip costs more than its index probes);
 * the sums are filled first when a settled period is not summed yet, and
 * escrow is read only for identities that ever had any.
 */
export async function loadCreatorEarnings(db: Db, userId: number, o: { holdDays: number; page: number }): Promise<CreatorEarnings> {
  let row = await query(db, userId, o.page);
  if (row.missing > 0) {
    await fillCreatorEarnings(db, row.identities.map((i) => i.id));
    row = await query(db, userId, o.page);
  }
  const money = (a: Amount): Money => ({ minor: BigInt(a.minor), currency: a.currency });
  return {
    user: { locale: row.locale },
    balances: row.balances.map(money),
    identities: row.identities.map(({ id: _id, received, ...ref }) => ({ ...ref, received: received.map(money) })),
    escrow: row.escrow_accounts ? await escrowWaiting(db, row.identities.map((i) => i.id), o.holdDays) : [],
    months: row.months.map((m) => ({
      period: m.period, received: m.received.map(money), flattrs: m.flattrs, moreCommunities: m.more,
      communities: m.communities.map(({ currency, minor, ...c }) => ({ ...c, amount: money({ currency, minor }) })),
    })),
    page: { number: o.page, size: MONTHS_PER_PAGE, hasMore: row.has_more },
  };
}

async function query(db: Db, userId: number, page: number): Promise<Row> {
  const [row] = await db.$queryRawUnsafe<Row[]>(
    `WITH mine AS (SELECT id, platform, external_id, handle FROM identities WHERE user_id = $1),
     periods AS (
       SELECT DISTINCT e.period FROM creator_earnings e WHERE e.identity_id IN (SELECT id FROM mine) ORDER BY e.period DESC OFFSET $2 LIMIT $3 + 1
     ), shown AS (SELECT period FROM periods ORDER BY period DESC LIMIT $3),
     ranked AS (
       SELECT e.period, i.platform, e.community, trim(e.currency) AS currency, e.amount, e.flattrs, e.supporters,
              row_number() OVER (PARTITION BY e.period ORDER BY e.amount DESC, i.platform, e.community, e.currency) AS rank,
              count(*) OVER (PARTITION BY e.period)::int AS total
         FROM creator_earnings e JOIN mine i ON i.id = e.identity_id WHERE e.period IN (SELECT period FROM shown)
     )
     SELECT u.locale,
       (SELECT count(*)::int FROM mine CROSS JOIN settlement_runs r
         WHERE r.status = 'settled' AND NOT EXISTS (SELECT 1 FROM creator_earnings_periods p WHERE p.identity_id = mine.id AND p.period = r.period)) AS missing,
       EXISTS (SELECT 1 FROM accounts a WHERE a.kind = 'escrow' AND a.identity_id IN (SELECT id FROM mine)) AS escrow_accounts,
       -- One creator account per currency (accounts_owner_key): its balance is the sum of its entries, no grouping.
       coalesce((SELECT json_agg(json_build_object('currency', trim(a.currency), 'minor',
                   coalesce((SELECT sum(x.amount) FROM entries x WHERE x.account_id = a.id), 0)::text) ORDER BY a.currency)
                   FROM accounts a WHERE a.kind = 'creator' AND a.user_id = $1), '[]') AS balances,
       coalesce((SELECT json_agg(json_build_object('id', i.id, 'platform', i.platform, 'externalId', i.external_id, 'handle', i.handle,
                   'received', coalesce((SELECT json_agg(json_build_object('currency', r.currency, 'minor', r.minor::text) ORDER BY r.currency)
                                           FROM (SELECT trim(e.currency) AS currency, sum(e.amount) AS minor FROM creator_earnings e
                                                  WHERE e.identity_id = i.id GROUP BY e.currency) r), '[]')) ORDER BY i.platform, i.external_id)
                   FROM mine i), '[]') AS identities,
       coalesce((SELECT json_agg(json_build_object('period', trim(s.period),
                   'received', (SELECT json_agg(json_build_object('currency', t.currency, 'minor', t.minor::text) ORDER BY t.currency)
                                  FROM (SELECT currency, sum(amount) AS minor FROM ranked WHERE period = s.period GROUP BY currency) t),
                   'flattrs', (SELECT sum(flattrs)::int FROM ranked WHERE period = s.period),
                   'more', (SELECT greatest(max(total) - $4, 0) FROM ranked WHERE period = s.period),
                   'communities', (SELECT json_agg(json_build_object('platform', k.platform, 'community', k.community, 'name', c.name,
                                     'currency', k.currency, 'minor', k.amount::text, 'flattrs', k.flattrs, 'supporters', k.supporters) ORDER BY k.rank)
                                     FROM ranked k LEFT JOIN communities c ON c.platform = k.platform AND c.external_id = k.community AND k.community <> ''
                                    WHERE k.period = s.period AND k.rank <= $4)) ORDER BY s.period DESC)
                   FROM shown s), '[]') AS months,
       (SELECT count(*) FROM periods) > $3 AS has_more
       FROM users u WHERE u.id = $1`,
    userId, (page - 1) * MONTHS_PER_PAGE, MONTHS_PER_PAGE, COMMUNITIES_PER_MONTH,
  );
  return row!;
}
