import type { Db } from '../db/database.js';
import type { Platform } from '../domain/like-event.js';

/** Payout notices for a community go to this channel (the community row is made if the bot has none yet). */
export async function setNoticeChannel(db: Db, platform: Platform, community: string, channel: string): Promise<void> {
  await db.$executeRawUnsafe(
    `INSERT INTO communities (platform, external_id, notice_channel) VALUES ($1, $2, $3)
     ON CONFLICT (platform, external_id) DO UPDATE SET notice_channel = excluded.notice_channel`,
    platform, community, channel,
  );
}
