import { formatMoney } from '../domain/money.js';
import { LOGIN_LINK_MINUTES } from '../web/login-links.js';
import { loginLinkForIdentity } from '../web/login-link-for-identity.js';
import type { Run } from './chat-run.js';

/**
 * `/flattr login`: a one-time sign-in link, in the ephemeral reply only the
 * typer sees. The platform has just said who typed it, so, as signing in with
 * the platform does, it makes the user if needed and claims an unclaimed
 * identity (its escrow moves to their balance, and the reply says so).
 */
export async function loginCommand(r: Run): Promise<string> {
  const { deps, ctx, m } = r;
  if (!deps.publicUrl) return m.loginUnavailable;
  const link = await loginLinkForIdentity(deps.db, { platform: ctx.platform, externalId: ctx.userExternalId, publicUrl: deps.publicUrl, now: deps.now(), claim: true });
  const moved = link.escrowMoved.map((a) => formatMoney(a, r.locale)).join(' + ');
  return [m.login(link.url, LOGIN_LINK_MINUTES), ...(moved ? [m.escrowClaimed(moved)] : [])].join('\n');
}
