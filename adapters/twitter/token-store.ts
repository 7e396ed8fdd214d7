import type { Db, Tx } from '../../src/db/database.js';
import type { TokenCipher } from '../../src/support/token-cipher.js';

/** What X's token endpoint answered (twitter-api-v2's loginWithOAuth2 / refreshOAuth2Token). */
export type XGrant = { accessToken: string; refreshToken?: string; expiresIn: number; scopes: string[] };

/** Why an identity stopped being connected; stored in x_tokens.disconnect_reason. */
export type XDisconnectReason = 'revoked' | 'expired' | 'disconnected_by_user' | 'oauth_revoke_event';

/**
 * Stores a fresh grant for an identity (a sign-in or a refresh), encrypted.
 * A sign-in reconnects a disconnected identity: the flag and reason clear.
 */
export async function saveXGrant(tx: Tx | Db, cipher: TokenCipher, identityId: number, grant: XGrant, now: Date): Promise<void> {
  const expiresAt = new Date(now.getTime() + grant.expiresIn * 1000);
  await tx.$executeRawUnsafe(
    `INSERT INTO x_tokens (identity_id, access_token, refresh_token, expires_at, scopes, connected_at)
     VALUES ($1, $2, $3, $4, $5::text[], $6)
     ON CONFLICT (identity_id) DO UPDATE SET
       access_token = excluded.access_token, refresh_token = excluded.refresh_token, expires_at = excluded.expires_at,
       scopes = excluded.scopes, connected_at = excluded.connected_at, disconnected_at = NULL, disconnect_reason = NULL,
       subscription_attempts = 0, subscription_retry_at = NULL, subscription_error = NULL, refresh_lease_until = NULL`,
    identityId, cipher.encrypt(grant.accessToken), grant.refreshToken ? cipher.encrypt(grant.refreshToken) : null, expiresAt, grant.scopes, now,
  );
}

/**
 * The refreshed pair replaces the spent one, under the lease the refresh was
 * claimed with (access-token.ts): false when the lease was lost meanwhile (a
 * new sign-in stored its own grant, or the identity was disconnected), and
 * then nothing is written. The connection itself is unchanged.
 */
export async function rotateXGrant(db: Tx | Db, cipher: TokenCipher, identityId: number, grant: XGrant, now: Date, lease: Date): Promise<boolean> {
  const stored = await db.$executeRawUnsafe(
    `UPDATE x_tokens SET access_token = $2, refresh_token = coalesce($3, refresh_token), expires_at = $4, scopes = $5::text[], refreshed_at = $6,
            refresh_lease_until = NULL
      WHERE identity_id = $1 AND refresh_lease_until = $7 AND disconnected_at IS NULL`,
    identityId, cipher.encrypt(grant.accessToken), grant.refreshToken ? cipher.encrypt(grant.refreshToken) : null,
    new Date(now.getTime() + grant.expiresIn * 1000), grant.scopes, now, lease,
  );
  return stored > 0;
}

/**
 * Marks an identity disconnected: its tokens are erased (they no longer work,
 * or the user asked), so polling stops and the subscription job deletes its
 * XAA subscription. Returns whether it was connected until now.
 */
export async function markXDisconnected(tx: Tx | Db, identityId: number, reason: XDisconnectReason, now: Date): Promise<boolean> {
  const changed = await tx.$executeRawUnsafe(
    `UPDATE x_tokens SET access_token = NULL, refresh_token = NULL, disconnected_at = $2, disconnect_reason = $3,
            subscription_attempts = 0, subscription_retry_at = NULL
      WHERE identity_id = $1 AND disconnected_at IS NULL`,
    identityId, now, reason,
  );
  return changed > 0;
}

/**
 * Whether the hub holds a working grant for this X identity (for the poller,
 * the subscription job and DMs): a row that is not disconnected.
 */
export async function isXConnected(db: Db | Tx, identityId: number): Promise<boolean> {
  const rows = await db.$queryRawUnsafe<{ ok: boolean }[]>(
    `SELECT true AS ok FROM x_tokens WHERE identity_id = $1 AND disconnected_at IS NULL AND access_token IS NOT NULL`, identityId,
  );
  return rows.length > 0;
}

/** The identity row of an X user id, if the hub knows it. */
export async function xIdentityId(db: Db | Tx, xUserId: string): Promise<number | undefined> {
  const rows = await db.$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM identities WHERE platform = 'twitter' AND external_id = $1`, xUserId);
  return rows[0]?.id;
}
