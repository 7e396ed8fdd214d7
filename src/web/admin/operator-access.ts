import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../../db/database.js';
import { hasAdminToken } from '../../http/admin-token.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';

/** Who operates: whoever holds the admin token, or a user marked admin (`flattr admin grant`). */
export type Operator = { via: 'admin-token' } | { via: 'user'; userId: number };

/** Whether this user was marked admin by `flattr admin grant` (and not revoked since). */
export async function isAdminUser(db: Db, userId: number): Promise<boolean> {
  const [row] = await db.$queryRawUnsafe<{ admin: boolean }[]>(`SELECT admin FROM users WHERE id = $1`, userId);
  return row?.admin ?? false;
}

/**
 * The operator pages' and API's gate: the admin token in the Authorization
 * header (checked here: the viewer resolution leaves it to us), or a signed-in
 * user marked admin. Nobody: 401, with a Basic challenge on pages so a
 * browser can offer to enter the token, as /admin/queues does. Someone else:
 * 403 (they are who they say, and still may not).
 */
export async function requireOperator(ctx: WebContext, request: FastifyRequest, reply: FastifyReply): Promise<Operator> {
  if (hasAdminToken(request.headers.authorization, ctx.admin.token)) return { via: 'admin-token' };
  const viewer = request.viewer;
  if (!viewer) {
    if (!request.url.startsWith('/api/')) reply.header('www-authenticate', 'Basic realm="flattr-hub admin"');
    throw new WebError(401, 'unauthenticated', 'sign in as an operator, or send Authorization: Bearer <ADMIN_TOKEN>');
  }
  if (!(await isAdminUser(ctx.db, viewer.userId))) {
    throw new WebError(403, 'not_operator', 'only operators may see this: the admin token, or a user marked by "flattr admin grant"');
  }
  return { via: 'user', userId: viewer.userId };
}
