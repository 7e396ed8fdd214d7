import { ApiResponseError } from 'twitter-api-v2';
import type { Db } from '../../src/db/database.js';
import type { Logger } from '../../src/support/logger.js';
import type { TokenCipher } from '../../src/support/token-cipher.js';
import { isXConnected, markXDisconnected, rotateXGrant } from './token-store.js';
import { xClient, type XClientSettings } from './x-client.js';

/** Refresh this long before X's expiry, so a token handed out never expires mid-request. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** The row stays locked while X answers the refresh; X answers within seconds or the call is abandoned. */
const REFRESH_TRANSACTION = { timeout: 30_000, maxWait: 30_000 };

export type XAccessTokenDeps = {
  db: Db;
  cipher: TokenCipher;
  settings: XClientSettings;
  now?: () => Date;
  logger?: Logger;
  /** Called once when a refresh finds the grant revoked (the identity is then marked disconnected). */
  onDisconnected?(identityId: number): void;
};

/** X could not be asked (network, 5xx, 429): the stored grant is untouched; try again later. */
export class XTokenUnavailableError extends Error {
  readonly code = 'X_TOKEN_UNAVAILABLE';
  constructor(readonly identityId: number, detail: string) {
    super(`X access token for identity ${identityId} unavailable: ${detail}`);
    this.name = 'XTokenUnavailableError';
  }
}

export type XAccessTokens = {
  /**
   * A working user access token for this X identity, refreshed first when it
   * expires within five minutes; undefined when the identity is not connected
   * (never was, revoked, disconnected). Throws XTokenUnavailableError when X
   * could not be asked: the caller retries later.
   */
  accessTokenFor(identityId: number): Promise<string | undefined>;
  /** Whether the hub holds a working grant for the identity (the poller's and subscriptions' flag). */
  isXConnected(identityId: number): Promise<boolean>;
};

type Row = { access_token: Uint8Array | null; refresh_token: Uint8Array | null; expires_at: Date; disconnected_at: Date | null };

/**
 * The token source for everything that calls X as a user (H5's poller, the
 * subscription job, DMs). One refresh at a time per identity across every
 * process: the refresh locks the identity's x_tokens row (SELECT … FOR UPDATE),
 * spends the single-use refresh token and stores its successor in that same
 * transaction. A second caller waits on the lock, then finds the fresh token
 * and uses it instead of spending the (now spent) old refresh token.
 */
export function createXAccessTokens(deps: XAccessTokenDeps): XAccessTokens {
  const now = deps.now ?? (() => new Date());
  const fresh = (row: Row) => row.access_token && row.expires_at.getTime() - REFRESH_MARGIN_MS > now().getTime();

  return {
    isXConnected: (identityId) => isXConnected(deps.db, identityId),
    async accessTokenFor(identityId) {
      const [row] = await deps.db.$queryRawUnsafe<Row[]>(
        `SELECT access_token, refresh_token, expires_at, disconnected_at FROM x_tokens WHERE identity_id = $1`, identityId,
      );
      if (!row || row.disconnected_at || !row.access_token) return undefined;
      if (fresh(row)) return deps.cipher.decrypt(row.access_token);

      let revoked = false;
      const token = await deps.db.$transaction(async (tx) => {
        const [locked] = await tx.$queryRawUnsafe<Row[]>(
          `SELECT access_token, refresh_token, expires_at, disconnected_at FROM x_tokens WHERE identity_id = $1 FOR UPDATE`, identityId,
        );
        if (!locked || locked.disconnected_at || !locked.access_token) return undefined;
        // Another caller refreshed while this one waited for the lock: use its result.
        if (fresh(locked)) return deps.cipher.decrypt(locked.access_token);
        if (!locked.refresh_token) {
          // No offline.access: the grant ends with its access token.
          if (locked.expires_at.getTime() > now().getTime()) return deps.cipher.decrypt(locked.access_token);
          revoked = await markXDisconnected(tx, identityId, 'expired', now());
          return undefined;
        }
        let refreshed;
        try {
          refreshed = await xClient(deps.settings).refreshOAuth2Token(deps.cipher.decrypt(locked.refresh_token));
        } catch (error) {
          if (isRevokedGrant(error)) {
            revoked = await markXDisconnected(tx, identityId, 'revoked', now());
            return undefined;
          }
          throw new XTokenUnavailableError(identityId, describeXError(error));
        }
        await rotateXGrant(tx, deps.cipher, identityId, {
          accessToken: refreshed.accessToken, refreshToken: refreshed.refreshToken, expiresIn: refreshed.expiresIn, scopes: refreshed.scope,
        }, now());
        return refreshed.accessToken;
      }, REFRESH_TRANSACTION);
      if (revoked) {
        deps.logger?.info({ identityId }, 'X refused the refresh token: the identity is disconnected');
        deps.onDisconnected?.(identityId);
      }
      return token;
    },
  };
}

/**
 * X's answer to a refresh token it will not take: 400 `invalid_request`
 * ("Value passed for the token was invalid") or `invalid_grant`, or 401.
 * Anything else (5xx, 429, the network) says nothing about the grant.
 */
export function isRevokedGrant(error: unknown): boolean {
  if (!(error instanceof ApiResponseError)) return false;
  if (error.code === 401) return true;
  const word = (error.data as { error?: unknown } | undefined)?.error;
  return error.code === 400 && (word === 'invalid_request' || word === 'invalid_grant');
}

/** One line about an X failure for logs and errors: never a token (twitter-api-v2 errors carry the request). */
export function describeXError(error: unknown): string {
  if (error instanceof ApiResponseError) {
    const data = error.data as { error?: unknown; detail?: unknown; title?: unknown } | undefined;
    return `HTTP ${error.code}${data?.error ? ` ${String(data.error)}` : ''}${data?.detail ? `: ${String(data.detail)}` : data?.title ? `: ${String(data.title)}` : ''}`;
  }
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
