import type { FastifyRequest } from 'fastify';
import { isAdminUser } from './admin/operator-access.js';
import type { Nav, NavKey } from './layout.js';
import type { WebContext } from './web-context.js';

/**
 * The navigation of a signed-in page: where the reader is, whether to show
 * the Operator link (users marked by `flattr admin grant`), and the logout
 * form's CSRF token. Undefined for nobody signed in: such a page has no nav.
 * Every signed-in page builds its nav here, so the Operator link follows the
 * flag everywhere. A session knows the flag (read with it, so it follows a
 * grant or revoke within the session cache's moment); a page that read it
 * afresh in its own query passes it as `admin`.
 */
export async function pageNav(ctx: WebContext, request: FastifyRequest, current: NavKey | null, known?: { admin: boolean }): Promise<Nav | undefined> {
  const viewer = request.viewer;
  if (!viewer) return undefined;
  return {
    current,
    admin: known?.admin ?? (viewer.via === 'session' ? viewer.admin : await isAdminUser(ctx.db, viewer.userId)),
    ...(viewer.via === 'session' ? { csrfToken: viewer.csrfToken } : {}),
  };
}
