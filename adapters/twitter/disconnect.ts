import type { Db } from '../../src/db/database.js';
import type { Logger } from '../../src/support/logger.js';
import type { TokenCipher } from '../../src/support/token-cipher.js';
import { describeXError } from './access-token.js';
import { markXDisconnected } from './token-store.js';
import { xClient, type XClientSettings } from './x-client.js';

/**
 * The user disconnects X (the settings page, or leaving): the hub revokes its
 * grant at X (POST /2/oauth2/revoke; the refresh token, else the access
 * token) and marks the identity disconnected, which stops its polling and has
 * the subscription job delete its XAA subscription. The revoke is best
 * effort: X being down never keeps a grant the user asked the hub to drop,
 * since the tokens are erased here either way. Returns whether it was connected.
 */
export async function disconnectX(deps: { db: Db; cipher: TokenCipher; settings: XClientSettings; now: () => Date; logger?: Logger }, identityId: number): Promise<boolean> {
  const [row] = await deps.db.$queryRawUnsafe<{ access_token: Uint8Array | null; refresh_token: Uint8Array | null }[]>(
    `SELECT access_token, refresh_token FROM x_tokens WHERE identity_id = $1 AND disconnected_at IS NULL`, identityId,
  );
  if (!row) return false;
  const sealed = row.refresh_token ?? row.access_token;
  if (sealed) {
    try {
      await xClient(deps.settings).revokeOAuth2Token(deps.cipher.decrypt(sealed), row.refresh_token ? 'refresh_token' : 'access_token');
    } catch (error) {
      deps.logger?.warn({ platform: 'twitter', identityId, why: describeXError(error) }, 'X did not confirm the revoke; the hub dropped the grant anyway');
    }
  }
  return markXDisconnected(deps.db, identityId, 'disconnected_by_user', deps.now());
}
