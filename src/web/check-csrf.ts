import type { FastifyRequest } from 'fastify';
import { csrfTokenMatches } from './csrf.js';
import type { WebContext } from './web-context.js';
import { WebError } from './web-error.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * preHandler (after the body is parsed, so a form's `_csrf` field is there):
 * a state-changing request made with the session cookie must carry the
 * session's CSRF token (`x-csrf-token` header or `_csrf` field), and, when the
 * browser names its Origin, come from PUBLIC_URL's. A request with an API
 * token is exempt: a browser never attaches that header on its own, so another
 * site cannot borrow it. A request with no session changes nothing of anyone's
 * and is left to its route (which answers 401 where it needs someone).
 */
export async function checkCsrf(ctx: WebContext, request: FastifyRequest): Promise<void> {
  if (SAFE_METHODS.has(request.method)) return;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== ctx.publicOrigin) {
    throw new WebError(403, 'csrf', `requests that change something must come from ${ctx.publicOrigin} (PUBLIC_URL)`);
  }
  const viewer = request.viewer;
  if (viewer?.via !== 'session') return;
  const given = request.headers['x-csrf-token'] ?? (request.body as Record<string, unknown> | undefined)?._csrf;
  if (!csrfTokenMatches(ctx.sessionSecret, viewer.sessionIdHash, given)) {
    throw new WebError(403, 'csrf', 'missing or wrong CSRF token: send the x-csrf-token header (GET /api/v1/me gives it) or the form\'s _csrf field');
  }
}
