import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * CSRF tokens bound to the session: HMAC(SESSION_SECRET, session id hash).
 * A page puts it in its forms (`_csrf`) and scripts send it as
 * `x-csrf-token`; another site can neither read it (same-origin policy) nor
 * compute it. It needs no storage and dies with the session it names, and a
 * new sign-in (a new session) gets a new one.
 */
export function csrfToken(secret: string, sessionIdHash: string): string {
  return createHmac('sha256', secret).update(`csrf:${sessionIdHash}`).digest('base64url');
}

export function csrfTokenMatches(secret: string, sessionIdHash: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length === 0) return false;
  const expected = Buffer.from(csrfToken(secret, sessionIdHash));
  const actual = Buffer.from(given);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
