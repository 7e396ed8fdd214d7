import { attachIdentity, LinkRefusedError } from '../chat/link-codes.js';
import type { Db } from '../db/database.js';
import type { Platform } from '../domain/like-event.js';
import type { Money } from '../domain/money.js';
import { resolveOrCreateUser } from '../supporters/resolve-user.js';

export type IdentitySignIn =
  | { outcome: 'signed_in' | 'linked' | 'already_linked'; userId: number; escrowMoved: Money[] }
  | { outcome: 'owned_elsewhere' };

/**
 * A platform has just proved that the browser's person owns this identity.
 * Signed out: they become its user, made if needed; an unclaimed identity is
 * claimed now and its escrow moves to their balance (resolveOrCreateUser,
 * money rule 9). Signed in: the identity joins the signed-in user under the
 * rules of `/flattr link` (attachIdentity): one owned by another user who has
 * money or other accounts of their own is refused, and nothing changes.
 */
export async function signInWithIdentity(db: Db, platform: Platform, externalId: string, signedInUserId: number | undefined): Promise<IdentitySignIn> {
  if (signedInUserId === undefined) {
    const user = await db.$transaction((tx) => resolveOrCreateUser(tx, platform, externalId));
    return { outcome: 'signed_in', userId: user.userId, escrowMoved: user.escrowMoved };
  }
  try {
    const escrowMoved = await db.$transaction((tx) => attachIdentity(tx, platform, externalId, signedInUserId));
    return { outcome: 'linked', userId: signedInUserId, escrowMoved };
  } catch (error) {
    if (!(error instanceof LinkRefusedError)) throw error;
    if (error.outcome === 'already_same') return { outcome: 'already_linked', userId: signedInUserId, escrowMoved: [] };
    return { outcome: 'owned_elsewhere' };
  }
}
