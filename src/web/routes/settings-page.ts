import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createApiToken, listApiTokens, revokeApiToken } from '../api-tokens.js';
import { SETTINGS_MESSAGES } from '../messages/settings.js';
import { pageLocale, replyPage } from '../reply-page.js';
import { disconnectIdentity } from '../settings/disconnect-identity.js';
import { loadSettings } from '../settings/load-settings.js';
import { pageUser } from '../settings/page-user.js';
import { parseSettingsForm } from '../settings/parse-settings-form.js';
import { renderSettings, type SettingsPage } from '../settings/render-settings.js';
import { saveSettings } from '../settings/save-settings.js';
import { SettingsRefusal } from '../settings/settings-refusal.js';
import type { Viewer } from '../viewer.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';

type Form = Record<string, unknown>;
type SessionViewer = Extract<Viewer, { via: 'session' }>;

/**
 * `/settings`: what becomes a flattr, the bot's messages, connected accounts
 * and API tokens. Every change is a form POST with the session's CSRF token
 * (checked before any route runs, check-csrf.ts), answered with a redirect
 * back here, or with this page, the reason and the right status when it
 * changed nothing.
 */
export function registerSettingsPage(scope: FastifyInstance, ctx: WebContext): void {
  scope.get<{ Querystring: { done?: string } }>('/settings', async (request, reply) => {
    const done = request.query.done;
    return replySettings(ctx, request, reply, 200, { done: done === 'saved' || done === 'disconnected' || done === 'revoked' ? done : undefined });
  });

  scope.post<{ Body: Form }>('/settings', async (request, reply) => {
    const viewer = signedIn(request);
    try {
      await saveSettings(ctx.db, viewer.userId, parseSettingsForm(request.body ?? {}));
    } catch (error) {
      if (!(error instanceof SettingsRefusal)) throw error;
      return replySettings(ctx, request, reply, 422, { refusal: error });
    }
    return reply.redirect('/settings?done=saved', 303);
  });

  scope.post<{ Body: Form }>('/settings/accounts/disconnect', async (request, reply) => {
    const viewer = signedIn(request);
    const { platform, externalId } = request.body ?? {};
    const result = typeof platform === 'string' && typeof externalId === 'string'
      ? await disconnectIdentity(ctx.db, viewer.userId, platform, externalId, ctx.now()) : { outcome: 'not_found' as const };
    if (result.outcome === 'disconnected') return reply.redirect('/settings?done=disconnected#accounts', 303);
    return replySettings(ctx, request, reply, result.outcome === 'not_found' ? 404 : 409, { disconnect: result });
  });

  scope.post<{ Body: Form }>('/settings/tokens', async (request, reply) => {
    const viewer = signedIn(request);
    const name = typeof request.body?.name === 'string' ? request.body.name.trim() : '';
    if (name.length === 0 || name.length > 100) return replySettings(ctx, request, reply, 422, { badTokenName: true });
    const created = await createApiToken(ctx.db, viewer.userId, name, ctx.now());
    // The secret is in this answer only (no redirect: a reload must not show it again, and it is never stored).
    return replySettings(ctx, request, reply, 201, { created: { name, token: created.token } });
  });

  scope.post<{ Params: { id: string } }>('/settings/tokens/:id/revoke', async (request, reply) => {
    const viewer = signedIn(request);
    const id = /^\d{1,9}$/.test(request.params.id) ? Number(request.params.id) : 0;
    if (id > 0 && await revokeApiToken(ctx.db, viewer.userId, id)) return reply.redirect('/settings?done=revoked#tokens', 303);
    return replySettings(ctx, request, reply, 404, { tokenNotFound: true });
  });
}

function signedIn(request: FastifyRequest): SessionViewer {
  const viewer = request.viewer;
  // Pages only ever see session viewers (API tokens are read on /api/ only).
  if (viewer?.via !== 'session') throw new WebError(401, 'unauthenticated', 'sign in to see your settings');
  return viewer;
}

type Outcome = {
  done?: 'saved' | 'disconnected' | 'revoked';
  refusal?: SettingsRefusal;
  disconnect?: Awaited<ReturnType<typeof disconnectIdentity>>;
  badTokenName?: boolean;
  tokenNotFound?: boolean;
  created?: SettingsPage['created'];
};

async function replySettings(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, status: number, o: Outcome): Promise<FastifyReply> {
  const viewer = signedIn(request);
  const [view, tokens, user] = await Promise.all([
    loadSettings(ctx.db, viewer.userId), listApiTokens(ctx.db, viewer.userId), pageUser(ctx, request, viewer.userId, 'settings'),
  ]);
  const { locale, m } = pageLocale(request, user.locale);
  const s = SETTINGS_MESSAGES[locale];
  const d = o.disconnect;
  const error = o.refusal ? s.errors[o.refusal.reason](o.refusal.value)
    : d && d.outcome === 'settling' ? s.disconnectRefused.settling(d.period)
      : d && d.outcome !== 'disconnected' ? s.disconnectRefused[d.outcome]
        : o.badTokenName ? s.badTokenName : o.tokenNotFound ? s.tokenNotFound : undefined;
  const done = o.done === 'saved' ? s.saved : o.done === 'disconnected' ? s.disconnected : o.done === 'revoked' ? s.tokenRevoked : undefined;
  return replyPage(reply, status, {
    locale, m, title: s.title, nav: user.nav,
    body: renderSettings({
      view, tokens, locale, s, csrfToken: viewer.csrfToken, timeZone: ctx.money.timeZone,
      connectable: Object.keys(ctx.providers), done, error, created: o.created,
    }),
  });
}
