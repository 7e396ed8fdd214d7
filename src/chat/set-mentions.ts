import type { Db } from '../db/database.js';
import type { Platform } from '../domain/like-event.js';

/**
 * `/flattr mentions on|off`: whether payout digests ping this person or
 * only name them. Works before joining (a creator who never joined may not
 * want pings either): the identity is made unclaimed if new. A joined
 * person's choice holds for all their linked accounts. The display name is
 * kept so an unpinged creator is still named.
 */
export async function setMentions(db: Db, platform: Platform, externalId: string, on: boolean, displayName?: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const [identity] = await tx.$queryRawUnsafe<{ user_id: number | null }[]>(
      `INSERT INTO identities (platform, external_id, mentions, handle) VALUES ($1, $2, $3, $4)
       ON CONFLICT (platform, external_id) DO UPDATE SET mentions = excluded.mentions, handle = coalesce(excluded.handle, identities.handle)
       RETURNING user_id`,
      platform, externalId, on, displayName?.slice(0, 100) ?? null,
    );
    if (identity?.user_id != null) await tx.$executeRawUnsafe(`UPDATE identities SET mentions = $2 WHERE user_id = $1`, identity.user_id, on);
  });
}
