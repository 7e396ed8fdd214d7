import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import { OAuthError, type OAuthProvider, type ProvenIdentity } from '../oauth-provider.js';
import { beginOAuthState, takeOAuthState } from '../oauth-state.js';
import { setSessionCookie } from '../session-cookie.js';
import { startSession } from '../sessions.js';
import { signInWithIdentity } from '../sign-in-with-identity.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';

type Params = { platform: string };
type StartQuery = { dm?: unknown };
type CallbackQuery = { code?: unknown; state?: unknown; error?: unknown };

/**
 * `/auth/<platform>` sends the browser to the platform with a state bound to
 * it; `/auth/<platform>/callback` checks that state before anything else,
 * exchanges the code for the identity, and signs in (claiming an unclaimed
 * identity) or links it to the signed-in user. Every refusal is a page and
 * changes nothing; the code and state never reach a log line.
 */
export function registerOAuthRoutes(scope: FastifyInstance, ctx: WebContext, limitSignIn: onRequestHookHandler): void {
  const redirectUri = (platform: string) => `${ctx.publicUrl}/auth/${platform}/callback`;

  scope.get<{ Params: Params; Querystring: StartQuery }>('/auth/:platform', { onRequest: limitSignIn }, async (request, reply) => {
    const provider = providerFor(ctx, request.params.platform);
    const state = beginOAuthState(ctx, reply, provider.platform);
    return reply.redirect(provider.authorizeUrl(state, redirectUri(provider.platform), { dm: request.query.dm === '1' }), 302);
  });

  scope.get<{ Params: Params; Querystring: CallbackQuery }>('/auth/:platform/callback', { onRequest: limitSignIn }, async (request, reply) => {
    const provider = providerFor(ctx, request.params.platform);
    const { code, state, error } = request.query;
    if (!takeOAuthState(ctx, request, reply, provider.platform, state)) throw new WebError(403, 'oauth_state', 'OAuth state missing or not the one this browser started with');
    if (error !== undefined || typeof code !== 'string' || code.length === 0) throw new WebError(400, 'oauth_denied', 'the platform sent no code');
    const proven = await identify(provider, code, redirectUri(provider.platform), state as string, request);
    const externalId = typeof proven === 'string' ? proven : proven.externalId;
    const viewer = request.viewer?.via === 'session' ? request.viewer : undefined;
    const result = await signInWithIdentity(ctx.db, provider.platform, externalId, viewer?.userId);
    if (result.outcome === 'owned_elsewhere') throw new WebError(409, 'owned_elsewhere', `${provider.platform} identity belongs to another user with money or accounts of its own`);
    // Only now that the identity is this person's does the hub keep the platform's grant (X).
    if (typeof proven !== 'string') await proven.keep(ctx.db);
    request.log.info({ platform: provider.platform, userId: result.userId, outcome: result.outcome, claimedEscrow: result.escrowMoved.length > 0 }, 'signed in with a platform');
    if (!viewer) {
      const session = await startSession(ctx.db, result.userId, ctx.now());
      // Signing in may have claimed an account (its escrow moved): the user's next views read afresh.
      ctx.views.forgetUser(result.userId);
      setSessionCookie(ctx, reply, session.id, session.expiresAt);
    }
    return reply.redirect('/', 303);
  });
}

function providerFor(ctx: WebContext, platform: string): OAuthProvider {
  const provider = platform === 'slack' || platform === 'discord' || platform === 'twitter' ? ctx.providers[platform] : undefined;
  if (!provider) throw new WebError(404, 'oauth_off', `sign-in with ${platform} is not configured on this hub`);
  return provider;
}

async function identify(provider: OAuthProvider, code: string, redirectUri: string, state: string, request: FastifyRequest): Promise<string | ProvenIdentity> {
  try {
    return await provider.identify(code, redirectUri, state);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    // invalid_code / invalid_grant (X: invalid_request) is a person's stale or replayed code; anything else is worth an operator's look (client id, secret, redirect URL).
    const routine = /^(invalid_code|code_already_used|code_expired|invalid_grant|invalid_request)$/.test(error.detail);
    request.log[routine ? 'info' : 'warn']({ platform: provider.platform, detail: error.detail }, `${provider.platform} sign-in ${error.kind}${routine ? '' : ': check the client id and secret and that the redirect URL is registered'}`);
    if (error.kind === 'unreachable') throw new WebError(502, 'oauth_unreachable', `${provider.platform} could not be reached`);
    throw new WebError(400, 'oauth_rejected', `${provider.platform} did not accept the sign-in code`);
  }
}
