import type { Db } from '../db/database.js';

/**
 * One "Sign in with <platform>" (OAuth 2.0 authorization code flow): where to
 * send the browser, and the platform identity a returned code proves. The
 * hub keeps no token from it: the sign-in only needs to know who it is.
 */
export type OAuthProvider = {
  readonly platform: 'slack' | 'discord' | 'twitter';
  /** `dm`: also ask for what sending this person DMs needs (X: `/auth/twitter?dm=1`). */
  authorizeUrl(state: string, redirectUri: string, options?: { dm?: boolean }): string;
  /**
   * The identity's external id as stored in identities (Slack "TEAM:USER", a Discord user id), or,
   * for a platform whose tokens the hub keeps (X), the id and `keep`, called once the identity is linked.
   */
  identify(code: string, redirectUri: string, state: string): Promise<string | ProvenIdentity>;
};

/** An identity a sign-in proved, with the grant to store once it is linked (X keeps its tokens to hear likes). */
export type ProvenIdentity = { externalId: string; handle?: string; keep(db: Db): Promise<void> };

/**
 * The platform refused the code (`rejected`: used, expired, or our client
 * credentials wrong) or could not be asked (`unreachable`). `detail` is the
 * platform's own error word, for the log; it never holds a code or secret.
 */
export class OAuthError extends Error {
  readonly code = 'OAUTH_FAILED';
  constructor(
    readonly kind: 'rejected' | 'unreachable',
    readonly detail: string,
  ) {
    super(`sign-in ${kind}: ${detail}`);
    this.name = 'OAuthError';
  }
}

/** fetch with a deadline; a network failure or timeout becomes OAuthError('unreachable'). */
export async function oauthFetch(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(10_000) });
  } catch (error) {
    throw new OAuthError('unreachable', error instanceof Error ? error.name : 'fetch failed');
  }
}
