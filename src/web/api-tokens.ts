import type { Db } from '../db/database.js';
import { hashWebSecret, newWebSecret } from './web-secret.js';

/** Recognisable in a leaked-secret scan, and never mistaken for a session id. */
const PREFIX = 'fh_';

export type ApiTokenView = { id: number; name: string; createdAt: Date; lastUsedAt: Date | null };

/** A new token for a script; the secret is returned here once and never again (only its hash is kept). */
export async function createApiToken(db: Db, userId: number, name: string, now: Date): Promise<ApiTokenView & { token: string }> {
  const { secret, hash } = newWebSecret(PREFIX);
  const [row] = await db.$queryRawUnsafe<{ id: number }[]>(
    `INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`, userId, name, hash, now,
  );
  return { id: row!.id, name, createdAt: now, lastUsedAt: null, token: secret };
}

export async function listApiTokens(db: Db, userId: number): Promise<ApiTokenView[]> {
  return db.$queryRawUnsafe<ApiTokenView[]>(
    `SELECT id, name, created_at AS "createdAt", last_used_at AS "lastUsedAt" FROM api_tokens WHERE user_id = $1 ORDER BY id`, userId,
  );
}

/** Revokes one of this user's tokens; false when there is none with that id for this user (someone else's is not theirs to see). */
export async function revokeApiToken(db: Db, userId: number, id: number): Promise<boolean> {
  return (await db.$executeRawUnsafe(`DELETE FROM api_tokens WHERE id = $1 AND user_id = $2`, id, userId)) > 0;
}

/** The user a bearer token acts for; its last use is recorded at most once an hour. */
export async function findApiTokenUser(db: Db, token: string, now: Date): Promise<{ userId: number; tokenId: number } | undefined> {
  if (!token.startsWith(PREFIX) || token.length > 100) return undefined;
  const [row] = await db.$queryRawUnsafe<{ id: number; user_id: number; last_used_at: Date | null }[]>(
    `SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = $1`, hashWebSecret(token),
  );
  if (!row) return undefined;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 3600_000) {
    await db.$executeRawUnsafe(`UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, row.id, now);
  }
  return { userId: row.user_id, tokenId: row.id };
}
