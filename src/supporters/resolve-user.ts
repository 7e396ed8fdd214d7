import type { Tx } from '../db/database.js';
import type { Platform } from '../domain/like-event.js';
import type { Money } from '../domain/money.js';
import { claimEscrow } from '../escrow/claim-escrow.js';

/** `escrowMoved`: what claiming the identity moved from its escrow to the new creator's balance, per currency. */
export type ResolvedUser = { userId: number; identityId: number; created: boolean; claimed: boolean; escrowMoved: Money[] };

/**
 * The user behind a platform identity, making both when needed. An identity
 * that exists unclaimed (a creator someone already flattred) is claimed by the
 * new user, and its escrow moves to the new creator's balance (rule 9).
 */
export async function resolveOrCreateUser(tx: Tx, platform: Platform, externalId: string): Promise<ResolvedUser> {
  const found = await tx.$queryRawUnsafe<{ id: number; user_id: number | null }[]>(
    `SELECT id, user_id FROM identities WHERE platform = $1 AND external_id = $2 FOR UPDATE`, platform, externalId,
  );
  if (found[0]?.user_id != null) return { userId: found[0].user_id, identityId: found[0].id, created: false, claimed: false, escrowMoved: [] };
  const [user] = await tx.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO users DEFAULT VALUES RETURNING id`);
  if (found[0]) {
    await tx.$executeRawUnsafe(`UPDATE identities SET user_id = $1, claimed_at = now() WHERE id = $2`, user!.id, found[0].id);
    const escrowMoved = await claimEscrow(tx, found[0].id, user!.id);
    return { userId: user!.id, identityId: found[0].id, created: true, claimed: true, escrowMoved };
  }
  const [identity] = await tx.$queryRawUnsafe<{ id: number }[]>(
    `INSERT INTO identities (platform, external_id, user_id, claimed_at) VALUES ($1, $2, $3, now()) RETURNING id`,
    platform, externalId, user!.id,
  );
  return { userId: user!.id, identityId: identity!.id, created: true, claimed: false, escrowMoved: [] };
}
