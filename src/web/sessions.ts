import type { Db } from '../db/database.js';
import { hashWebSecret, newWebSecret } from './web-secret.js';

/**
 * Browser sessions, kept server-side (web_sessions) rather than in the cookie:
 * logout deletes the row, so a copied cookie dies with it, and an operator can
 * end every session of a user. The cookie carries only the random id (signed,
 * see session-cookie.ts); the table keeps its SHA-256.
 */
export const SESSION_IDLE_DAYS = 30;
export const SESSION_MAX_DAYS = 90;
/** A session's expiry slides forward at most once per this interval: one write per hour of use, not per request. */
const SLIDE_AFTER_MS = 3600_000;
const DAY_MS = 24 * 3600_000;

/** `admin`: the user is marked by `flattr admin grant` (pages show the Operator link; the operator routes ask again). */
export type Session = { idHash: string; userId: number; admin: boolean; expiresAt: Date; refreshed: boolean };

export async function startSession(db: Db, userId: number, now: Date): Promise<{ id: string; expiresAt: Date }> {
  // Sessions dead for a day are removed as new ones start: the table holds live ones only.
  await db.$executeRawUnsafe(`DELETE FROM web_sessions WHERE expires_at < $1 OR ends_at < $1`, new Date(now.getTime() - DAY_MS));
  const { secret, hash } = newWebSecret();
  const expiresAt = new Date(now.getTime() + SESSION_IDLE_DAYS * DAY_MS);
  const endsAt = new Date(now.getTime() + SESSION_MAX_DAYS * DAY_MS);
  await db.$executeRawUnsafe(
    `INSERT INTO web_sessions (id_hash, user_id, created_at, seen_at, expires_at, ends_at) VALUES ($1, $2, $3, $3, $4, $5)`,
    hash, userId, now, expiresAt, endsAt,
  );
  return { id: secret, expiresAt };
}

/** The live session with this id, its idle expiry moved forward (never past its absolute end) when due. */
export async function findSession(db: Db, id: string, now: Date): Promise<Session | undefined> {
  const idHash = hashWebSecret(id);
  const [row] = await db.$queryRawUnsafe<{ user_id: number; admin: boolean; seen_at: Date; expires_at: Date; ends_at: Date }[]>(
    `SELECT s.user_id, u.admin, s.seen_at, s.expires_at, s.ends_at FROM web_sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id_hash = $1 AND s.expires_at > $2 AND s.ends_at > $2`, idHash, now,
  );
  if (!row) return undefined;
  const found = { idHash, userId: row.user_id, admin: row.admin };
  if (now.getTime() - row.seen_at.getTime() < SLIDE_AFTER_MS) return { ...found, expiresAt: row.expires_at, refreshed: false };
  const expiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_DAYS * DAY_MS, row.ends_at.getTime()));
  await db.$executeRawUnsafe(`UPDATE web_sessions SET seen_at = $2, expires_at = $3 WHERE id_hash = $1`, idHash, now, expiresAt);
  return { ...found, expiresAt, refreshed: true };
}

export async function endSession(db: Db, idHash: string): Promise<void> {
  await db.$executeRawUnsafe(`DELETE FROM web_sessions WHERE id_hash = $1`, idHash);
}
