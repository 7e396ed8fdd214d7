import type { Db, Tx } from '../db/database.js';
import type { Platform } from '../domain/like-event.js';
import type { ChatLocale } from './chat-types.js';

export type ChatUser = { userId: number; identityId: number; locale: ChatLocale; currency: string; isSupporter: boolean };

/** The user behind a chat identity, without creating anything (read-only commands must not). */
export async function findChatUser(db: Db | Tx, platform: Platform, externalId: string): Promise<ChatUser | undefined> {
  const rows = await db.$queryRawUnsafe<{ user_id: number; identity_id: number; locale: string; currency: string; supporter: boolean }[]>(
    `SELECT u.id AS user_id, i.id AS identity_id, u.locale, u.currency,
            EXISTS (SELECT 1 FROM supporter_settings s WHERE s.user_id = u.id) AS supporter
       FROM identities i JOIN users u ON u.id = i.user_id
      WHERE i.platform = $1 AND i.external_id = $2`,
    platform, externalId,
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    userId: row.user_id, identityId: row.identity_id, locale: row.locale === 'fr' ? 'fr' : 'en',
    currency: row.currency.trim(), isSupporter: row.supporter,
  };
}
