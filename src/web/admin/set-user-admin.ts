import type { Db } from '../../db/database.js';
import { InvalidInputError } from '../../domain/errors.js';
import type { Platform } from '../../domain/like-event.js';

export type AdminChange = { userId: number; admin: boolean; changed: boolean };

/**
 * Marks (or unmarks) the user behind a platform identity as an operator:
 * they see /admin and its API with their own session or API token. An
 * identity nobody claimed has no user to mark, and marking it would hand the
 * operator pages to whoever claims it later, so it is refused like an
 * unknown one; nothing is written either way.
 */
export async function setUserAdmin(db: Db, o: { platform: Platform; externalId: string; admin: boolean }): Promise<AdminChange> {
  const [identity] = await db.$queryRawUnsafe<{ user_id: number | null; admin: boolean | null }[]>(
    `SELECT i.user_id, u.admin FROM identities i LEFT JOIN users u ON u.id = i.user_id WHERE i.platform = $1 AND i.external_id = $2`,
    o.platform, o.externalId,
  );
  if (!identity) throw new InvalidInputError('external-id', `nobody is known as ${o.platform}:${o.externalId}; they join first (sign in, or /flattr join in chat). Nothing was changed.`);
  if (identity.user_id === null) {
    throw new InvalidInputError('external-id', `${o.platform}:${o.externalId} has not joined, so there is no user to make an operator: ` +
      'they claim it by signing in with that platform or typing /flattr join in chat. Nothing was changed.');
  }
  if (identity.admin === o.admin) return { userId: identity.user_id, admin: o.admin, changed: false };
  await db.$executeRawUnsafe(`UPDATE users SET admin = $2 WHERE id = $1`, identity.user_id, o.admin);
  return { userId: identity.user_id, admin: o.admin, changed: true };
}
