import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasAdminToken } from '../http/admin-token.js';
import { findApiTokenUser } from './api-tokens.js';
import { csrfToken } from './csrf.js';
import { clearSessionCookie, setSessionCookie } from './session-cookie.js';
import type { WebContext } from './web-context.js';
import { WebError } from './web-error.js';

/** Who is asking: a browser session (with its CSRF token) or a script's API token. */
export type Viewer =
  | { via: 'session'; userId: number; admin: boolean; sessionIdHash: string; csrfToken: string }
  | { via: 'token'; userId: number; tokenId: number };

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by resolveViewer on the web routes; null when nobody is signed in. */
    viewer: Viewer | null;
  }
}

/**
 * onRequest: the viewer from `Authorization: Bearer` (API routes only) or
 * from the session cookie. A forged, expired or ended session cookie is
 * cleared and the request goes on signed out; a bearer token that is not
 * valid is refused outright (a script should hear that its token is wrong,
 * not get a signed-out answer).
 */
export async function resolveViewer(ctx: WebContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  request.viewer = null;
  const authorization = request.headers.authorization;
  if (authorization !== undefined && request.url.startsWith('/api/')) {
    // The admin token is nobody's API token: the operator routes recognise it themselves (src/web/admin/operator-access.ts).
    if (hasAdminToken(authorization, ctx.admin.token)) return;
    const [scheme = '', token = ''] = authorization.split(' ', 2);
    const found = scheme.toLowerCase() === 'bearer' ? await findApiTokenUser(ctx.db, token.trim(), ctx.now()) : undefined;
    if (!found) throw new WebError(401, 'unauthenticated', 'the Authorization header must be "Bearer <API token>" with a token that is not revoked');
    request.viewer = { via: 'token', ...found };
    return;
  }
  const raw = request.cookies[ctx.cookies.session];
  if (!raw) return;
  const unsigned = request.unsignCookie(raw);
  const session = unsigned.valid && unsigned.value ? await ctx.sessions.find(unsigned.value, ctx.now()) : undefined;
  if (!session) {
    clearSessionCookie(ctx, reply);
    return;
  }
  if (session.refreshed) setSessionCookie(ctx, reply, unsigned.value!, session.expiresAt);
  request.viewer = { via: 'session', userId: session.userId, admin: session.admin, sessionIdHash: session.idHash, csrfToken: csrfToken(ctx.sessionSecret, session.idHash) };
}
