import { markXDisconnected } from '../../../adapters/twitter/token-store.js';
import type { Db } from '../../db/database.js';
import { holdEscrowFenceExclusive } from '../../escrow/escrow-fence.js';

export type DisconnectResult =
  | { outcome: 'disconnected' }
  /** No account of this user by that platform and id (someone else's is not theirs to see). */
  | { outcome: 'not_found' }
  /** It is the user's only way to sign in. */
  | { outcome: 'last_identity' }
  /** A run not settled yet credits this account's earnings to the user: try again once it is. */
  | { outcome: 'settling'; period: string };

/**
 * Disconnects a platform account from its user: it becomes unclaimed, as
 * before its owner joined, and whoever proves they own it later (signing in
 * with the platform, /flattr join) claims it again.
 *
 * Money stays where it is, every cent accounted: what the account earned
 * while connected is in the user's creator balance (claiming moved its escrow
 * there, money rule 9, and settlements credited the balance since), and that
 * balance, the wallet and the flattrs the user made through it stay the
 * user's. From now on its earnings go to its escrow, like any unclaimed
 * account's, to be claimed or go back after the hold.
 *
 * Refused, changing nothing: the user's last account (nobody could sign in
 * as them again), and an account a run still settling has decided to credit
 * to the user's balance (settlement_recipients): unclaiming it under that run
 * would leave its remaining batches crediting a user the account no longer
 * belongs to. The escrow fence, taken exclusively as a claim takes it, waits
 * for batches and openings in flight, so a run either committed its
 * recipients before (and is seen here) or opens after and escrows.
 *
 * The platform grant, where one was kept, was the person's to this user and
 * goes with the account: an X identity's tokens are erased (so polling stops
 * and its subscription is deleted, as when the person revokes the grant).
 */
export async function disconnectIdentity(db: Db, userId: number, platform: string, externalId: string, now: Date): Promise<DisconnectResult> {
  return db.$transaction(async (tx) => {
    // All of the user's accounts, locked in one order: two disconnects of the last two cannot both see two.
    const mine = await tx.$queryRawUnsafe<{ id: number; platform: string; external_id: string }[]>(
      `SELECT id, platform, external_id FROM identities WHERE user_id = $1 ORDER BY id FOR UPDATE`, userId,
    );
    const target = mine.find((i) => i.platform === platform && i.external_id === externalId);
    if (!target) return { outcome: 'not_found' };
    if (mine.length === 1) return { outcome: 'last_identity' };
    await holdEscrowFenceExclusive(tx);
    const [busy] = await tx.$queryRawUnsafe<{ period: string }[]>(
      `SELECT trim(r.period) AS period FROM settlement_recipients r
        WHERE r.identity_id = $1 AND r.creator_id = $2
          AND NOT EXISTS (SELECT 1 FROM settlement_runs x WHERE x.period = r.period AND x.status = 'settled')
        ORDER BY r.period LIMIT 1`,
      target.id, userId,
    );
    if (busy) return { outcome: 'settling', period: busy.period };
    await tx.$executeRawUnsafe(`UPDATE identities SET user_id = NULL, claimed_at = NULL, oauth_token = NULL WHERE id = $1`, target.id);
    if (target.platform === 'twitter') await markXDisconnected(tx, target.id, 'disconnected_by_user', now);
    return { outcome: 'disconnected' };
  });
}
