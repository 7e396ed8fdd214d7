import type { Db } from '../db/database.js';
import type { Platform } from '../domain/like-event.js';

/**
 * Payout digests for a community go to this channel, in this locale (the
 * community row is made if the bot has none yet); `off` stops them and keeps
 * the channel, so `/flattr channel` there turns them on again.
 */
export async function setNoticeChannel(db: Db, platform: Platform, community: string, choice: { channel: string; locale?: string } | 'off'): Promise<void> {
  if (choice === 'off') {
    await db.$executeRawUnsafe(
      `INSERT INTO communities (platform, external_id, digests_off) VALUES ($1, $2, true)
       ON CONFLICT (platform, external_id) DO UPDATE SET digests_off = true`,
      platform, community,
    );
    return;
  }
  await db.$executeRawUnsafe(
    `INSERT INTO communities (platform, external_id, notice_channel, locale) VALUES ($1, $2, $3, $4)
     ON CONFLICT (platform, external_id) DO UPDATE SET notice_channel = excluded.notice_channel, digests_off = false,
       locale = coalesce(excluded.locale, communities.locale)`,
    platform, community, choice.channel, choice.locale ?? null,
  );
}
