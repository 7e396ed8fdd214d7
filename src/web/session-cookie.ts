import type { FastifyReply } from 'fastify';
import type { WebContext } from './web-context.js';

/**
 * The session cookie: the signed session id, HttpOnly (no script reads it),
 * SameSite=Lax (not sent on cross-site POSTs; sent when a link from a chat app
 * is followed), Secure under https, where it also takes the __Host- prefix so
 * no subdomain or plain-http page can set or shadow it.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? '__Host-flattr_session' : 'flattr_session';
}

export function setSessionCookie(ctx: WebContext, reply: FastifyReply, sessionId: string, expiresAt: Date): void {
  reply.setCookie(ctx.cookies.session, sessionId, {
    signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/',
    maxAge: Math.max(0, Math.floor((expiresAt.getTime() - ctx.now().getTime()) / 1000)),
  });
}

export function clearSessionCookie(ctx: WebContext, reply: FastifyReply): void {
  reply.clearCookie(ctx.cookies.session, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/' });
}
