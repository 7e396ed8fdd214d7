import type { FastifyInstance, onRequestHookHandler } from 'fastify';
import { html, withCommands } from '../html.js';
import { spendLoginToken } from '../login-links.js';
import { pageLocale, replyPage } from '../reply-page.js';
import { clearSessionCookie, setSessionCookie } from '../session-cookie.js';
import { endSession, startSession } from '../sessions.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import { platformName } from '../web-messages.js';
import { replyMonthPage } from './month-page.js';

/**
 * Link previewers (chat apps unfurling a pasted link, mail scanners) fetch a
 * URL before the person does; spending the one-time link there would leave
 * nothing for the person. They, and HEAD requests, get a page that spends nothing.
 */
const PREVIEWERS = /Slackbot|Slack-ImgProxy|Discordbot|Twitterbot|facebookexternalhit|WhatsApp|TelegramBot|LinkedInBot|SkypeUriPreview|Googlebot|bingbot/i;

const LINK_STATUS = { link_expired: 410, link_used: 410, link_invalid: 401 } as const;

/** `/` (the sign-in page, or signed in the month page), `GET /login/<token>` and `POST /logout`. */
export function registerLoginRoutes(scope: FastifyInstance, ctx: WebContext, limitSignIn: onRequestHookHandler): void {
  scope.get('/', async (request, reply) => {
    const viewer = request.viewer;
    if (!viewer) {
      const { locale, m } = pageLocale(request);
      const buttons = (['slack', 'discord', 'twitter'] as const).filter((p) => ctx.providers[p])
        .map((p) => html`<a class="button" href="/auth/${p}">${m.signIn.with(platformName(p))}</a>`);
      return replyPage(reply, 200, {
        locale, m, title: m.signIn.title,
        body: html`<h1>${m.signIn.title}</h1><p>${m.signIn.intro}</p>
${buttons.length ? html`<p class="actions">${buttons}</p><p class="muted">${withCommands(m.signIn.chat)}</p>` : html`<p>${withCommands(m.signIn.none)}</p>`}`,
      });
    }
    return replyMonthPage(ctx, request, reply, 200);
  });

  scope.get<{ Params: { token: string } }>('/login/:token', { onRequest: limitSignIn }, async (request, reply) => {
    if (request.method === 'HEAD' || PREVIEWERS.test(request.headers['user-agent'] ?? '')) {
      const { locale, m } = pageLocale(request);
      return replyPage(reply, 200, { locale, m, title: m.linkPreview.title, body: html`<h1>${m.linkPreview.title}</h1><p>${m.linkPreview.body}</p>` });
    }
    const spent = await spendLoginToken(ctx.db, request.params.token, ctx.now());
    if (typeof spent === 'string') throw new WebError(LINK_STATUS[spent], spent, `sign-in link refused: ${spent}`);
    // A new session for every sign-in (never the one the browser came with), so nobody can plant a session id beforehand.
    if (request.viewer?.via === 'session') {
      ctx.sessions.forget(request.viewer.sessionIdHash);
      await endSession(ctx.db, request.viewer.sessionIdHash);
    }
    const session = await startSession(ctx.db, spent.userId, ctx.now());
    ctx.views.forgetUser(spent.userId);
    setSessionCookie(ctx, reply, session.id, session.expiresAt);
    return reply.redirect('/', 303);
  });

  scope.post('/logout', async (request, reply) => {
    if (request.viewer?.via === 'session') {
      ctx.sessions.forget(request.viewer.sessionIdHash);
      await endSession(ctx.db, request.viewer.sessionIdHash);
    }
    clearSessionCookie(ctx, reply);
    return reply.redirect('/', 303);
  });
}
