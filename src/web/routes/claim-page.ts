import type { FastifyInstance } from 'fastify';
import { parseExternalId } from '../../domain/external-id.js';
import { PLATFORMS, type Platform } from '../../domain/like-event.js';
import { formatMoney } from '../../domain/money.js';
import { loadPersonMoney } from '../../people/load-person-money.js';
import { html, withCommands } from '../html.js';
import { pageLocale, replyPage } from '../reply-page.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import { platformName } from '../web-messages.js';

/** Where chat can collect it: X has no chat, only "Sign in with X". */
const CHAT_PLATFORMS = new Set<Platform>(['slack', 'discord']);

/**
 * `/claim/<platform>/<id>`: the public page of an unclaimed identity, which
 * supporters share with a creator (X creators are never messaged, so this is
 * how they learn of their money). It shows the total waiting and the date it
 * starts going back, never who paid; a claimed identity or one with nothing
 * waiting is a 404 that says which.
 */
export function registerClaimPage(scope: FastifyInstance, ctx: WebContext): void {
  scope.get<{ Params: { platform: string; id: string } }>('/claim/:platform/:id', async (request, reply) => {
    const platform = request.params.platform;
    if (!(PLATFORMS as readonly string[]).includes(platform)) throw new WebError(404, 'not_found', `no platform named ${platform}`);
    const externalId = validId(platform as Platform, request.params.id);
    const person = externalId === undefined ? undefined : await loadPersonMoney(ctx.db, platform as Platform, externalId, ctx.money.escrowHoldDays);
    if (person && person.userId !== null) throw new WebError(404, 'claim_claimed', 'this identity is already claimed');
    const escrow = person?.creator.escrow ?? [];
    if (escrow.length === 0) throw new WebError(404, 'claim_nothing', 'nothing is waiting for this identity');

    const { locale, m } = pageLocale(request);
    const name = platformName(platform);
    const who = `${escrow[0]!.identity.handle ?? externalId} (${name})`;
    const amount = escrow.map((e) => formatMoney(e.amount, locale)).join(' + ');
    const firstReturn = new Date(Math.min(...escrow.map((e) => e.returnsFrom.getTime())));
    const date = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: ctx.money.timeZone }).format(firstReturn);
    const signIn = ctx.providers[platform as Platform];
    return replyPage(reply, 200, {
      locale, m, title: m.claim.title(who),
      body: html`<h1>${m.claim.title(who)}</h1>
<p class="amount">${amount}</p>
<p>${m.claim.waiting} ${m.claim.until(date)}</p>
<h2>${m.claim.how}</h2>
${signIn ? html`<p>${m.claim.signIn(name)}</p><p class="actions"><a class="button" href="/auth/${platform}">${m.signIn.with(name)}</a></p>` : ''}
${!signIn && !CHAT_PLATFORMS.has(platform as Platform) ? html`<p>${m.claim.noSignInYet(name)}</p>` : ''}
${CHAT_PLATFORMS.has(platform as Platform) ? html`<p>${withCommands(m.claim.chatJoin(name))}</p>` : ''}`,
    });
  });
}

function validId(platform: Platform, raw: string): string | undefined {
  try {
    return parseExternalId(platform, raw);
  } catch {
    return undefined;
  }
}
