import type { Db } from '../../db/database.js';

/** A Slack workspace or Discord server a supporter can allow or block, with its name when the bot is installed there. */
export type KnownCommunity = { id: string; platform: string; name: string | null };

/**
 * The communities a supporter can choose from without typing an id: where
 * their flattrs were made, the Slack workspaces of their own accounts
 * (a Slack id is TEAM:USER), and whatever their lists already hold.
 */
export async function loadKnownCommunities(db: Db, userId: number): Promise<KnownCommunity[]> {
  return db.$queryRawUnsafe<KnownCommunity[]>(
    `WITH seen AS (
       SELECT DISTINCT f.platform, f.community AS id FROM flattrs f WHERE f.supporter_id = $1 AND f.community IS NOT NULL
       UNION SELECT 'slack', split_part(i.external_id, ':', 1) FROM identities i WHERE i.user_id = $1 AND i.platform = 'slack'
       UNION SELECT coalesce((SELECT c.platform FROM communities c WHERE c.external_id = l.id LIMIT 1), ''), l.id
               FROM supporter_settings s CROSS JOIN LATERAL unnest(s.allow_communities || s.block_communities) AS l(id) WHERE s.user_id = $1
     )
     SELECT DISTINCT ON (s.id) s.id, s.platform, c.name
       FROM seen s LEFT JOIN communities c ON c.external_id = s.id AND (c.platform = s.platform OR s.platform = '')
      ORDER BY s.id, s.platform DESC
      LIMIT 500`,
    userId,
  );
}
