import type { Db } from '../db/database.js';
import type { IdentityRef } from '../people/load-person-money.js';

export type Account = { userId: number; locale: string; currency: string; identities: IdentityRef[] };

/** A signed-in user's settings and platform accounts, for pages and GET /api/v1/me. */
export async function loadAccount(db: Db, userId: number): Promise<Account> {
  const [user] = await db.$queryRawUnsafe<{ locale: string; currency: string }[]>(`SELECT locale, trim(currency) AS currency FROM users WHERE id = $1`, userId);
  const identities = await db.$queryRawUnsafe<IdentityRef[]>(
    `SELECT platform, external_id AS "externalId", handle FROM identities WHERE user_id = $1 ORDER BY platform, external_id`, userId,
  );
  return { userId, locale: user?.locale ?? 'en', currency: user?.currency ?? 'EUR', identities };
}
