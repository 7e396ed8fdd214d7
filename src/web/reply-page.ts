import type { FastifyReply, FastifyRequest } from 'fastify';
import { html, withCommands, type Html } from './html.js';
import { layout, type Nav } from './layout.js';
import { PreparedAnswer, sendPrepared } from './prepared-answer.js';
import { memoized, type Cached } from './view-cache.js';
import { pickLocale, type WebLocale } from './pick-locale.js';
import type { WebErrorCode } from './web-error.js';
import { platformName, WEB_MESSAGES, type WebMessages } from './web-messages.js';

/** The page language for this request: the browser's, then the signed-in user's. */
export function pageLocale(request: FastifyRequest, userLocale?: string | null): { locale: WebLocale; m: WebMessages } {
  const locale = pickLocale(request.headers['accept-language'], userLocale);
  return { locale, m: WEB_MESSAGES[locale] };
}

type Page = { locale: WebLocale; m: WebMessages; title: string; body: Html; nav?: Nav };

export function replyPage(reply: FastifyReply, status: number, o: Page): FastifyReply {
  return reply.code(status).type('text/html; charset=utf-8').header('vary', 'Accept-Language, Cookie').send(layout(o));
}

/**
 * A 200 page made once per reading it shows (view-cache.ts) and reader:
 * `key` names everything else the page depends on (its query, language,
 * session); further views send what was made, gzipped where accepted.
 */
export function replyKeptPage(request: FastifyRequest, reply: FastifyReply, reading: Cached<unknown>, key: string, page: () => Page): FastifyReply {
  const p = (request.viewer?.via === 'session' ? request.viewer.sessionIdHash : '') + '|' + key;
  const answer = memoized(reading, `page|${p}`, () => new PreparedAnswer(layout(page())));
  return sendPrepared(request, reply.code(200).type('text/html; charset=utf-8'), answer, 'Accept-Language, Cookie');
}

/** A refusal as a page: what happened, what to do, and the way back. */
export function replyErrorPage(request: FastifyRequest, reply: FastifyReply, status: number, code: WebErrorCode): FastifyReply {
  const { locale, m } = pageLocale(request);
  const platform = (request.params as { platform?: unknown } | undefined)?.platform;
  const explained = m.errors[code](platformName(typeof platform === 'string' ? platform : ''));
  return replyPage(reply, status, {
    locale, m, title: explained.title,
    body: html`<div class="error"><h1>${explained.title}</h1></div><p>${withCommands(explained.body)}</p><p><a href="/">${m.back}</a></p>`,
  });
}
