import type { Tx } from '../db/database.js';
import type { SupporterContext } from '../domain/judge-like.js';
import { identityKey } from './identities.js';

type Row = {
  platform: string; external_id: string; user_id: number; active: boolean; budget_minor: bigint; platforms: string[];
  trigger_reactions: string[]; allow_communities: string[]; block_communities: string[];
};

/** Supporter settings of the likers in a batch, keyed by identityKey. */
export async function loadSupporters(tx: Tx, pairs: readonly (readonly [string, string])[]): Promise<Map<string, SupporterContext>> {
  if (pairs.length === 0) return new Map();
  const rows = await tx.$queryRawUnsafe<Row[]>(
    `SELECT i.platform, i.external_id, s.user_id, s.active, s.budget_minor, s.platforms, s.trigger_reactions,
            s.allow_communities, s.block_communities
       FROM identities i
       JOIN unnest($1::text[], $2::text[]) AS w(platform, external_id) USING (platform, external_id)
       JOIN supporter_settings s ON s.user_id = i.user_id`,
    pairs.map((p) => p[0]), pairs.map((p) => p[1]),
  );
  return new Map(rows.map((r) => [identityKey(r.platform, r.external_id), {
    userId: r.user_id, active: r.active, budgetMinor: r.budget_minor, platforms: r.platforms,
    triggerReactions: r.trigger_reactions, allowCommunities: r.allow_communities, blockCommunities: r.block_communities,
  }]));
}
