import type { FastifyRequest } from 'fastify';
import type { Nav, NavKey } from '../layout.js';
import { pageNav } from '../page-nav.js';
import type { WebContext } from '../web-context.js';

/**
 * What every page of the supporter's own (settings, history, wallet) reads
 * about its reader in one statement: the stored locale (the page language
 * when the browser names none the hub speaks) and the navigation, with the
 * Operator link for users marked admin.
 */
export async function pageUser(ctx: WebContext, request: FastifyRequest, userId: number, current: NavKey): Promise<{ locale: string | undefined; nav: Nav | undefined }> {
  const [user] = await ctx.db.$queryRawUnsafe<{ locale: string; admin: boolean }[]>(`SELECT locale, admin FROM users WHERE id = $1`, userId);
  return { locale: user?.locale, nav: await pageNav(ctx, request, current, { admin: user?.admin ?? false }) };
}
