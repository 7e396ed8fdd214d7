import { createHash, createHmac } from 'node:crypto';
import { ApiRequestError, ApiResponseError } from 'twitter-api-v2';
import type { Config } from '../../src/config.js';
import type { Db } from '../../src/db/database.js';
import { parseExternalId } from '../../src/domain/external-id.js';
import { createTokenCipher, type TokenCipher } from '../../src/support/token-cipher.js';
import { OAuthError, type OAuthProvider } from '../../src/web/oauth-provider.js';
import { saveXGrant, xIdentityId } from './token-store.js';
import { authorizePageUrl, xClient, type XClientSettings } from './x-client.js';

/** What the hub reads: likes (polling, XAA `like.create`), who the user is, and a refresh token. */
export const X_SCOPES = ['tweet.read', 'users.read', 'like.read', 'offline.access'] as const;
/** Asked for only when the person wants their monthly statement as an X DM (`/auth/twitter?dm=1`). */
export const X_DM_SCOPES = ['dm.read', 'dm.write'] as const;

/**
 * "Sign in with X" and connecting an X account: OAuth 2.0 with PKCE
 * (https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token).
 * Unlike Slack and Discord sign-in, the hub keeps X's tokens: they are what
 * hears the supporter's likes. They are stored (encrypted) only once the
 * sign-in has linked the identity, so a refused sign-in keeps nothing.
 *
 * The PKCE verifier is derived from the state with a key only the hub knows
 * (HMAC-SHA256), so nothing more than the state cookie has to survive the
 * round trip through X, and any api process can finish the dance.
 */
export function createXSignIn(o: { settings: XClientSettings & { clientId: string }; secret: string; cipher: TokenCipher; now: () => Date }): OAuthProvider {
  const verifierFor = (state: string) => createHmac('sha256', o.secret).update(`flattr-x-pkce:${state}`).digest('base64url');
  return {
    platform: 'twitter',
    authorizeUrl(state, redirectUri, options) {
      const url = authorizePageUrl(o.settings);
      const scopes = [...X_SCOPES, ...(options?.dm ? X_DM_SCOPES : [])];
      url.search = new URLSearchParams({
        response_type: 'code', client_id: o.settings.clientId, redirect_uri: redirectUri, state, scope: scopes.join(' '),
        code_challenge: createHash('sha256').update(verifierFor(state)).digest('base64url'), code_challenge_method: 'S256',
      }).toString();
      return url.toString();
    },
    async identify(code, redirectUri, state) {
      let login;
      try {
        login = await xClient(o.settings).loginWithOAuth2({ code, redirectUri, codeVerifier: verifierFor(state) });
      } catch (error) {
        throw asOAuthError(error, 'oauth2/token');
      }
      let me;
      try {
        me = await xClient(o.settings, login.accessToken).v2.me();
      } catch (error) {
        throw asOAuthError(error, 'users/me');
      }
      const externalId = parseExternalId('twitter', me.data.id);
      return {
        externalId,
        handle: me.data.username,
        async keep(db: Db) {
          const identityId = await xIdentityId(db, externalId);
          if (identityId === undefined) return;
          // The @handle, so pages name the account as people know it (X ids are opaque numbers).
          await db.$executeRawUnsafe(`UPDATE identities SET handle = $2 WHERE id = $1`, identityId, me.data.username);
          await saveXGrant(db, o.cipher, identityId, {
            accessToken: login.accessToken, refreshToken: login.refreshToken, expiresIn: login.expiresIn, scopes: login.scope,
          }, o.now());
        },
      };
    },
  };
}

/** X's refusal (a used, expired or forged code: 400 invalid_request) or an outage, as the sign-in routes expect. */
function asOAuthError(error: unknown, step: string): OAuthError {
  if (error instanceof ApiResponseError) {
    const word = (error.data as { error?: unknown } | undefined)?.error;
    if (error.code >= 500 || error.code === 429) return new OAuthError('unreachable', `${step} answered HTTP ${error.code}`);
    return new OAuthError('rejected', typeof word === 'string' ? word : `${step} answered HTTP ${error.code}`);
  }
  if (error instanceof ApiRequestError) return new OAuthError('unreachable', `${step}: ${error.requestError.name}`);
  return new OAuthError('unreachable', `${step}: ${error instanceof Error ? error.name : 'failed'}`);
}

/**
 * Sign in with X from the configuration: needs the OAuth 2.0 client
 * (TWITTER_CLIENT_ID, and TWITTER_CLIENT_SECRET for a confidential client) and
 * the token key; without a key there is nowhere safe to keep X's tokens.
 */
export function xSignInFromConfig(config: Config, o: { secret: string; tokenEncryptionKey?: string; now: () => Date }): OAuthProvider | undefined {
  const x = config.twitter;
  const key = o.tokenEncryptionKey ?? config.secrets.tokenEncryptionKey;
  if (!x?.clientId || !key) return undefined;
  return createXSignIn({
    settings: { clientId: x.clientId, clientSecret: x.clientSecret, apiUrl: x.apiUrl },
    secret: createHmac('sha256', o.secret).update('flattr-x-sign-in').digest('hex'), cipher: createTokenCipher(key), now: o.now,
  });
}
