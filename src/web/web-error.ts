/**
 * A refusal the web side answers with its status: a page for a browser, or
 * `{ error: { code, message } }` on /api/v1. `code` is stable (clients and
 * tests match on it); the page's words come from web-messages by `code`.
 */
export class WebError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: WebErrorCode,
    message: string,
    /** Seconds before trying again (429). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'WebError';
  }
}

export type WebErrorCode =
  | 'last_identity' | 'identity_settling'
  | 'unauthenticated' | 'csrf' | 'not_found' | 'invalid_input' | 'rate_limited' | 'internal'
  | 'link_expired' | 'link_used' | 'link_invalid'
  | 'oauth_state' | 'oauth_denied' | 'oauth_rejected' | 'oauth_unreachable' | 'oauth_off' | 'owned_elsewhere'
  | 'claim_claimed' | 'claim_nothing'
  | 'currency_locked' | 'period_settling'
  | 'not_operator';
