import type { Db } from '../db/database.js';
import { InvalidInputError } from '../domain/errors.js';
import type { Platform } from '../domain/like-event.js';
import type { Money } from '../domain/money.js';
import { resolveOrCreateUser } from '../supporters/resolve-user.js';
import { createLoginLink, type LoginLink } from './login-links.js';

export type IdentityLoginLink = LoginLink & { created: boolean; escrowMoved: Money[] };

/**
 * A sign-in link for the user behind a platform identity.
 *
 * `claim: true` is for `/flattr login`: the platform has just told us who
 * typed it, which proves ownership as signing in with the platform does, so
 * an unknown identity gets a user and an unclaimed one is claimed, its escrow
 * moving to the new creator's balance (money rule 9, resolveOrCreateUser).
 *
 * `claim: false` is for `flattr login-link`: an operator's command proves
 * nothing about who will open the link it prints, and the link is a bearer
 * credential, so an identity nobody claimed is refused rather than claimed
 * on the strength of whoever receives the link.
 */
export async function loginLinkForIdentity(
  db: Db, o: { platform: Platform; externalId: string; publicUrl: string; now: Date; claim: boolean },
): Promise<IdentityLoginLink> {
  return db.$transaction(async (tx) => {
    if (o.claim) {
      const user = await resolveOrCreateUser(tx, o.platform, o.externalId);
      return { ...(await createLoginLink(tx, user.userId, o.publicUrl, o.now)), created: user.created, escrowMoved: user.escrowMoved };
    }
    const [identity] = await tx.$queryRawUnsafe<{ user_id: number | null }[]>(
      `SELECT user_id FROM identities WHERE platform = $1 AND external_id = $2`, o.platform, o.externalId,
    );
    if (!identity) throw new InvalidInputError('external-id', `nobody is known as ${o.platform}:${o.externalId}; they sign in with ${o.platform} or type /flattr login in chat`);
    if (identity.user_id === null) {
      throw new InvalidInputError('external-id', `${o.platform}:${o.externalId} has not joined, so there is no user to sign in as: ` +
        `they claim it by signing in with ${o.platform} or typing /flattr login in chat (flattr supporter set creates one on purpose). Nothing was changed.`);
    }
    return { ...(await createLoginLink(tx, identity.user_id, o.publicUrl, o.now)), created: false, escrowMoved: [] };
  });
}
