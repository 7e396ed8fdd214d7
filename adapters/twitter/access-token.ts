import { ApiResponseError } from 'twitter-api-v2';
import type { Db } from '../../src/db/database.js';
import type { Logger } from '../../src/support/logger.js';
import type { TokenCipher } from '../../src/support/token-cipher.js';
import { isXConnected, markXDisconnected, rotateXGrant } from './token-store.js';
import { xClient, type XClientSettings } from './x-client.js';

/** Refresh this long before X's expiry, so a token handed out never expires mid-request. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** How long X may take to answer a refresh before the caller gives up (and says: try later). */
export const X_REFRESH_TIMEOUT_MS = 30_000;
/**
 * A claimed refresh's lease: well past X_REFRESH_TIMEOUT_MS, so an answer X
 * was still working on when its caller gave up (the refresh token may be
 * spent) is never raced by a second refresh with the same token.
 */
const REFRESH_LEASE_MS = 120_000;
/** How often a caller waiting for another's refresh looks again. */
const WAIT_STEP_MS = 100;

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
 * The token source for everything that calls X as a user (the poller, the
 * subscription job, DMs). One refresh at a time per identity across every
 * process, and nothing of the database held while X answers: a caller claims
 * the refresh with a lease on the identity's x_tokens row (one conditional
 * UPDATE, committed at once), spends the single-use refresh token, and
 * stores its successor under that lease. Other callers meanwhile look again
 * every WAIT_STEP_MS and take the fresh token once stored (or claim the
 * refresh themselves if the first gave up). The lease replaced a row lock
 * held through X's answer: up to 30 s, which on the embedded PGlite (one
 * session) held every other statement of the hub.
 */
export function createXAccessTokens(deps: XAccessTokenDeps): XAccessTokens {
  const now = deps.now ?? (() => new Date());
  const fresh = (row: Row) => row.access_token && row.expires_at.getTime() - REFRESH_MARGIN_MS > now().getTime();
  const disconnected = (identityId: number, reason: 'revoked' | 'expired') => markXDisconnected(deps.db, identityId, reason, now()).then((changed) => {
    if (!changed) return;
    deps.logger?.info({ identityId, reason }, 'X refused the refresh token: the identity is disconnected');
    deps.onDisconnected?.(identityId);
  });

  /** The refresh, this caller's to make: claimed with a lease, or undefined when another caller holds it (or it is no longer due). */
  async function claim(identityId: number): Promise<{ refreshToken: Uint8Array; lease: Date } | undefined> {
    const at = now();
    const lease = new Date(at.getTime() + REFRESH_LEASE_MS);
    const [claimed] = await deps.db.$queryRawUnsafe<{ refresh_token: Uint8Array }[]>(
      `UPDATE x_tokens SET refresh_lease_until = $2
        WHERE identity_id = $1 AND disconnected_at IS NULL AND refresh_token IS NOT NULL AND expires_at <= $3
          AND (refresh_lease_until IS NULL OR refresh_lease_until <= $4)
        RETURNING refresh_token`,
      identityId, lease, new Date(at.getTime() + REFRESH_MARGIN_MS), at,
    );
    return claimed && { refreshToken: claimed.refresh_token, lease };
  }

  async function refresh(identityId: number, claimed: { refreshToken: Uint8Array; lease: Date }): Promise<string | undefined> {
    const release = () => deps.db.$executeRawUnsafe(`UPDATE x_tokens SET refresh_lease_until = NULL WHERE identity_id = $1 AND refresh_lease_until = $2`, identityId, claimed.lease);
    let timer: NodeJS.Timeout | undefined;
    let refreshed;
    try {
      refreshed = await Promise.race([
        xClient(deps.settings).refreshOAuth2Token(deps.cipher.decrypt(claimed.refreshToken)),
        new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new RefreshTimeout()), X_REFRESH_TIMEOUT_MS); }),
      ]);
    } catch (error) {
      if (isRevokedGrant(error)) {
        await disconnected(identityId, 'revoked');
        return undefined;
      }
      // Gave up waiting: X may still spend the token, so the lease stays until it ends. Refused outright: free at once.
      if (!(error instanceof RefreshTimeout)) await release();
      throw new XTokenUnavailableError(identityId, describeXError(error));
    } finally {
      clearTimeout(timer);
    }
    const stored = await rotateXGrant(deps.db, deps.cipher, identityId, {
      accessToken: refreshed.accessToken, refreshToken: refreshed.refreshToken, expiresIn: refreshed.expiresIn, scopes: refreshed.scope,
    }, now(), claimed.lease);
    // Lost the lease meanwhile (disconnected, or a new sign-in stored its own grant): that state wins; read it again.
    return stored ? refreshed.accessToken : undefined;
  }

  return {
    isXConnected: (identityId) => isXConnected(deps.db, identityId),
    async accessTokenFor(identityId) {
      const waitUntil = Date.now() + X_REFRESH_TIMEOUT_MS + 5_000;
      for (;;) {
        const [row] = await deps.db.$queryRawUnsafe<Row[]>(
          `SELECT access_token, refresh_token, expires_at, disconnected_at FROM x_tokens WHERE identity_id = $1`, identityId,
        );
        if (!row || row.disconnected_at || !row.access_token) return undefined;
        if (fresh(row)) return deps.cipher.decrypt(row.access_token);
        if (!row.refresh_token) {
          // No offline.access: the grant ends with its access token.
          if (row.expires_at.getTime() > now().getTime()) return deps.cipher.decrypt(row.access_token);
          await disconnected(identityId, 'expired');
          return undefined;
        }
        const claimed = await claim(identityId);
        if (claimed) {
          const token = await refresh(identityId, claimed);
          if (token !== undefined) return token;
          continue;
        }
        // Another caller is refreshing: its token will be stored in a moment.
        if (Date.now() > waitUntil) throw new XTokenUnavailableError(identityId, 'a refresh by another caller has not finished');
        await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
      }
    },
  };
}

class RefreshTimeout extends Error {
  constructor() {
    super(`X did not answer the refresh within ${X_REFRESH_TIMEOUT_MS / 1000} s`);
    this.name = 'RefreshTimeout';
  }
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
