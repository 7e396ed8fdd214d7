import type { Db } from '../../db/database.js';
import type { Platform } from '../../domain/like-event.js';
import { ANY_REACTION, DEFAULT_TRIGGERS } from '../../domain/reactions.js';
import { loadKnownCommunities, type KnownCommunity } from './known-communities.js';

export type ConnectedIdentity = { platform: Platform; externalId: string; handle: string | null };

/**
 * What the settings page and GET /api/v1/settings show. `joined` is false
 * until the user has supporter settings (a budget, or a platform turned on);
 * the supporter fields then show the defaults a join would start with.
 */
export type SettingsView = {
  joined: boolean;
  platforms: Platform[];
  /** `default`: the default trigger set; `any`: every reaction; `custom`: `reactions` only. */
  emoji: { mode: 'default' | 'any' | 'custom'; reactions: string[] };
  allowCommunities: string[];
  blockCommunities: string[];
  statementDms: boolean;
  mentions: boolean;
  communities: KnownCommunity[];
  identities: ConnectedIdentity[];
};

type Row = { platforms: string[]; trigger_reactions: string[]; allow_communities: string[]; block_communities: string[]; statement_dms: boolean };

export async function loadSettings(db: Db, userId: number): Promise<SettingsView> {
  const [settings] = await db.$queryRawUnsafe<Row[]>(
    `SELECT platforms, trigger_reactions, allow_communities, block_communities, statement_dms FROM supporter_settings WHERE user_id = $1`, userId,
  );
  const identities = await db.$queryRawUnsafe<(ConnectedIdentity & { mentions: boolean })[]>(
    `SELECT platform, external_id AS "externalId", handle, mentions FROM identities WHERE user_id = $1 ORDER BY platform, external_id`, userId,
  );
  const triggers = settings?.trigger_reactions ?? [];
  return {
    joined: settings !== undefined,
    platforms: (settings?.platforms ?? []) as Platform[],
    emoji: triggers.length === 0 ? { mode: 'default', reactions: [...DEFAULT_TRIGGERS] }
      : triggers.includes(ANY_REACTION) ? { mode: 'any', reactions: [] } : { mode: 'custom', reactions: triggers },
    allowCommunities: settings?.allow_communities ?? [],
    blockCommunities: settings?.block_communities ?? [],
    statementDms: settings?.statement_dms ?? true,
    // setMentions sets every account of a user at once; any one left off means off.
    mentions: identities.every((i) => i.mentions),
    communities: await loadKnownCommunities(db, userId),
    identities: identities.map(({ mentions: _m, ...identity }) => identity),
  };
}
