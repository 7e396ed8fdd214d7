import type { Tx } from '../db/database.js';
import type { Money } from '../domain/money.js';

/** A creator flattred in one community in the period: what that community's supporters gave them. */
export type CommunityShare = {
  identityId: number;
  externalId: string;
  handle: string | null;
  claimed: boolean;
  mentions: boolean;
  amounts: Money[];
  supporters: number;
};
/** Every community (Slack workspace, Discord guild) whose supporters flattred someone in the period. */
export type CommunityShares = { platform: 'slack' | 'discord'; community: string; creators: CommunityShare[] };

export type CommunityKey = { platform: 'slack' | 'discord'; community: string };

/** The communities that get a digest for the period (those whose charged supporters flattred there), in digest order. */
export async function loadDigestCommunities(db: Pick<Tx, '$queryRawUnsafe'>, period: string): Promise<CommunityKey[]> {
  return db.$queryRawUnsafe<CommunityKey[]>(
    `SELECT DISTINCT f.platform, f.community
       FROM supporter_settlements s
      CROSS JOIN LATERAL unnest(s.flattr_ids) AS u(flattr_id)
       JOIN flattrs f ON f.id = u.flattr_id
      WHERE s.period = $1 AND s.charged > 0 AND f.community IS NOT NULL AND f.platform IN ('slack', 'discord')
      ORDER BY 1, 2`,
    period,
  );
}

/** Which of these identities each community's digest lists (they were flattred there by a charged supporter). */
export async function loadDigestListings(db: Pick<Tx, '$queryRawUnsafe'>, period: string, identityIds: number[]): Promise<{ platform: string; community: string; identity_id: number }[]> {
  if (identityIds.length === 0) return [];
  return db.$queryRawUnsafe(
    `SELECT DISTINCT f.platform, f.community, f.recipient_identity_id AS identity_id
       FROM supporter_settlements s
      CROSS JOIN LATERAL unnest(s.flattr_ids) AS u(flattr_id)
       JOIN flattrs f ON f.id = u.flattr_id
      WHERE s.period = $1 AND s.charged > 0 AND f.community IS NOT NULL AND f.platform IN ('slack', 'discord')
        AND f.recipient_identity_id = ANY($2::int[])`,
    period, identityIds,
  );
}

type Row = {
  platform: 'slack' | 'discord'; community: string; identity_id: number; external_id: string; handle: string | null; claimed: boolean; mentions: boolean;
  currency: string | null; amount: bigint; supporters: number;
};

/**
 * The shares of the period's flattrs made in each community, per creator:
 * amounts per currency and distinct supporters (money rule 11: only
 * supporters charged in the period count). One pass over the period's
 * splits; the grouping set without currency counts supporters across
 * currencies. Creators are ordered by what they received, then supporters.
 */
export async function loadDigestShares(db: Pick<Tx, '$queryRawUnsafe'>, period: string, only?: CommunityKey[]): Promise<CommunityShares[]> {
  const rows = await db.$queryRawUnsafe<Row[]>(
    `WITH x AS (
       SELECT f.platform, f.community, f.recipient_identity_id AS identity_id, s.supporter_id, trim(s.currency) AS currency, u.amount
         FROM supporter_settlements s
        CROSS JOIN LATERAL unnest(s.flattr_ids, s.shares) AS u(flattr_id, amount)
         JOIN flattrs f ON f.id = u.flattr_id
        WHERE s.period = $1 AND s.charged > 0 AND f.community IS NOT NULL AND f.platform IN ('slack', 'discord')
          AND ($2::text[] IS NULL OR (f.platform, f.community) IN (SELECT * FROM unnest($2::text[], $3::text[]))))
     SELECT g.platform, g.community, g.identity_id, i.external_id, i.handle, i.user_id IS NOT NULL AS claimed, i.mentions,
            g.currency, g.amount, g.supporters
       FROM (SELECT platform, community, identity_id, currency, sum(amount)::int8 AS amount, count(DISTINCT supporter_id)::int AS supporters
               FROM x GROUP BY GROUPING SETS ((platform, community, identity_id, currency), (platform, community, identity_id))) g
       JOIN identities i ON i.id = g.identity_id
      ORDER BY g.platform, g.community, g.identity_id, g.currency NULLS FIRST`,
    period, only?.map((c) => c.platform) ?? null, only?.map((c) => c.community) ?? null,
  );
  const communities = new Map<string, CommunityShares>();
  let current: CommunityShare | undefined;
  for (const r of rows) {
    if (r.currency === null) {
      // The first row of each creator (NULLS FIRST): their distinct supporters across currencies.
      const key = `${r.platform}\u001f${r.community}`;
      let c = communities.get(key);
      if (!c) communities.set(key, (c = { platform: r.platform, community: r.community, creators: [] }));
      current = {
        identityId: r.identity_id, externalId: r.external_id, handle: r.handle, claimed: r.claimed, mentions: r.mentions, amounts: [], supporters: r.supporters,
      };
      c.creators.push(current);
    } else {
      current!.amounts.push({ minor: r.amount, currency: r.currency });
    }
  }
  for (const c of communities.values()) c.creators.sort(byReceived);
  return [...communities.values()];
}

function byReceived(a: CommunityShare, b: CommunityShare): number {
  const [x, y] = [a.amounts[0]?.minor ?? 0n, b.amounts[0]?.minor ?? 0n];
  if (x !== y) return x > y ? -1 : 1;
  return b.supporters - a.supporters || a.externalId.localeCompare(b.externalId);
}
