import type { Db, Tx } from '../db/database.js';
import { hashWebSecret, newWebSecret } from './web-secret.js';

/** Long enough to switch from the chat to a browser, short enough that a link found later is worthless. */
export const LOGIN_LINK_MINUTES = 15;

export type LoginLink = { url: string; expiresAt: Date };
/** Why a link did not sign anyone in; nothing was changed in any case. */
export type LoginLinkRefusal = 'link_expired' | 'link_used' | 'link_invalid';

/** A fresh one-time link for this user: `${publicUrl}/login/<token>`. */
export async function createLoginLink(db: Db | Tx, userId: number, publicUrl: string, now: Date): Promise<LoginLink> {
  // Links a day past their expiry are worthless: keep the table small.
  await db.$executeRawUnsafe(`DELETE FROM login_tokens WHERE expires_at < $1`, new Date(now.getTime() - 24 * 3600_000));
  const { secret, hash } = newWebSecret();
  const expiresAt = new Date(now.getTime() + LOGIN_LINK_MINUTES * 60_000);
  await db.$executeRawUnsafe(`INSERT INTO login_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, $3)`, hash, userId, expiresAt);
  return { url: `${publicUrl.replace(/\/+$/, '')}/login/${secret}`, expiresAt };
}

/**
 * Spends a link: the user it signs in, or why not. One conditional UPDATE, so
 * two browsers opening the same link at once sign in one of them; an expired
 * or spent link is left as it was.
 */
export async function spendLoginToken(db: Db, token: string, now: Date): Promise<{ userId: number } | LoginLinkRefusal> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return 'link_invalid';
  const hash = hashWebSecret(token);
  const [spent] = await db.$queryRawUnsafe<{ user_id: number }[]>(
    `UPDATE login_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id`, hash, now,
  );
  if (spent) return { userId: spent.user_id };
  const [row] = await db.$queryRawUnsafe<{ used: boolean }[]>(`SELECT used_at IS NOT NULL AS used FROM login_tokens WHERE token_hash = $1`, hash);
  if (!row) return 'link_invalid';
  return row.used ? 'link_used' : 'link_expired';
}
