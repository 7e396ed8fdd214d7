import type { Tx } from '../db/database.js';

export type DmIdentity = { id: number; userId: number; platform: 'slack' | 'discord' | 'twitter'; externalId: string; connected: boolean };

/**
 * The account each user gets DMs on: their first Slack or Discord identity
 * (where they joined), else a connected X account (one whose OAuth grant the
 * hub holds in x_tokens, not disconnected). One per user, so linked accounts get one message, not one each.
 */
export async function pickDmIdentities(db: Pick<Tx, '$queryRawUnsafe'>, userIds: number[]): Promise<Map<number, DmIdentity>> {
  if (userIds.length === 0) return new Map();
  const rows = await db.$queryRawUnsafe<{ id: number; user_id: number; platform: DmIdentity['platform']; external_id: string; connected: boolean }[]>(
    `SELECT DISTINCT ON (user_id) id, user_id, platform, external_id, x.identity_id IS NOT NULL AS connected
       FROM identities
       LEFT JOIN x_tokens x ON x.identity_id = identities.id AND x.disconnected_at IS NULL
      WHERE user_id = ANY($1::int[]) AND (platform IN ('slack', 'discord') OR (platform = 'twitter' AND x.identity_id IS NOT NULL))
      ORDER BY user_id, platform = 'twitter', id`,
    userIds,
  );
  return new Map(rows.map((r) => [r.user_id, { id: r.id, userId: r.user_id, platform: r.platform, externalId: r.external_id, connected: r.connected }]));
}
