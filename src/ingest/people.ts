import type { Tx } from '../db/database.js';
import type { SupporterContext } from '../domain/judge-like.js';

export type IdentityRow = { id: number; platform: string; external_id: string; user_id: number | null };
export type People = { identities: Map<string, IdentityRow>; supporters: Map<string, SupporterContext>; startedPeriods: Set<string> };
export type PlatformId = readonly [platform: string, externalId: string];

export const identityKey = (platform: string, externalId: string) => `${platform}\u0000${externalId}`;

type Row = IdentityRow & {
  started: string[] | null;
  active: boolean | null; budget_minor: bigint | null; platforms: string[] | null; trigger_reactions: string[] | null;
  allow_communities: string[] | null; block_communities: string[] | null; owes: boolean;
};

// Rows go in as one JSON parameter: far cheaper for Node than one array parameter per column.
const pairsJson = (pairs: readonly PlatformId[]) => JSON.stringify(pairs.map(([p, x]) => ({ p, x })));

/**
 * Every known identity among likers and authors of a batch, with the
 * supporter settings of those that belong to a supporter, and the periods
 * from `since` on whose settlement has started: one query. With no known
 * identity nothing can be accepted, so the periods are not needed then.
 */
export async function lookupPeople(tx: Tx, pairs: readonly PlatformId[], since = '0000-00'): Promise<People> {
  const people: People = { identities: new Map(), supporters: new Map(), startedPeriods: new Set() };
  if (pairs.length === 0) return people;
  const rows = await tx.$queryRawUnsafe<Row[]>(
    `SELECT i.id, i.platform, i.external_id, i.user_id, s.active, s.budget_minor, s.platforms, s.trigger_reactions,
            s.allow_communities, s.block_communities, r.started,
            -- A refund or lost dispute left this supporter owing money (src/payments): flattring pauses until a top-up settles it.
            EXISTS (SELECT 1 FROM accounts a WHERE a.kind = 'receivable' AND a.user_id = i.user_id AND a.identity_id IS NULL
                       AND (SELECT sum(e.amount) FROM entries e WHERE e.account_id = a.id) < 0) AS owes
       FROM jsonb_to_recordset($1::jsonb) AS w(p text, x text)
       JOIN identities i ON i.platform = w.p AND i.external_id = w.x
       LEFT JOIN supporter_settings s ON s.user_id = i.user_id
       CROSS JOIN (SELECT array_agg(trim(period)) AS started FROM settlement_runs WHERE period >= $2) r`,
    pairsJson(pairs), since,
  );
  for (const period of rows[0]?.started ?? []) people.startedPeriods.add(period);
  for (const r of rows) {
    const key = identityKey(r.platform, r.external_id);
    people.identities.set(key, { id: r.id, platform: r.platform, external_id: r.external_id, user_id: r.user_id });
    if (r.user_id !== null && r.active !== null) {
      people.supporters.set(key, {
        userId: r.user_id, active: r.active, budgetMinor: r.budget_minor!, platforms: r.platforms!,
        triggerReactions: r.trigger_reactions!, allowCommunities: r.allow_communities!, blockCommunities: r.block_communities!,
        owes: r.owes,
      });
    }
  }
  return people;
}

/**
 * Makes unclaimed identities for creators the hub has not seen yet. Sorted so
 * concurrent batches take the unique index's locks in one order; a row
 * another batch inserted first is read back.
 */
export async function createUnclaimedIdentities(tx: Tx, pairs: readonly PlatformId[]): Promise<Map<string, IdentityRow>> {
  const created = new Map<string, IdentityRow>();
  if (pairs.length === 0) return created;
  const sorted = [...pairs].sort((a, b) => (identityKey(...a) < identityKey(...b) ? -1 : 1));
  const rows = await tx.$queryRawUnsafe<IdentityRow[]>(
    `INSERT INTO identities (platform, external_id)
     SELECT p, x FROM jsonb_to_recordset($1::jsonb) AS w(p text, x text)
     ON CONFLICT (platform, external_id) DO NOTHING
     RETURNING id, platform, external_id, user_id`,
    pairsJson(sorted),
  );
  for (const r of rows) created.set(identityKey(r.platform, r.external_id), r);
  const raced = sorted.filter((p) => !created.has(identityKey(...p)));
  if (raced.length > 0) for (const [k, v] of (await lookupPeople(tx, raced)).identities) created.set(k, v);
  return created;
}
