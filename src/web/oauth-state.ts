import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WebContext } from './web-context.js';

/** Time to sign in at the platform and come back. */
const STATE_SECONDS = 600;

/**
 * The OAuth `state`, bound to this browser: a random value sent to the
 * platform and kept in a signed, HttpOnly cookie scoped to /auth. The callback
 * accepts only the state this browser started with, so nobody can make a
 * victim's browser finish a sign-in the attacker started (login CSRF), and a
 * callback URL replayed elsewhere finds no cookie.
 */
export function beginOAuthState(ctx: WebContext, reply: FastifyReply, platform: string): string {
  const state = randomBytes(24).toString('base64url');
  reply.setCookie(ctx.cookies.oauth, `${platform}.${state}`, {
    signed: true, httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/auth', maxAge: STATE_SECONDS,
  });
  return state;
}

/** Whether `given` is the state this browser began for `platform`. Spent either way: the cookie is cleared. */
export function takeOAuthState(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, platform: string, given: unknown): boolean {
  const raw = request.cookies[ctx.cookies.oauth];
  reply.clearCookie(ctx.cookies.oauth, { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/auth' });
  if (!raw || typeof given !== 'string' || given.length === 0) return false;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return false;
  const expected = Buffer.from(unsigned.value);
  const actual = Buffer.from(`${platform}.${given}`);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
