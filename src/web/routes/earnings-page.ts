import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatMoney, type Money } from '../../domain/money.js';
import { formatDay, formatPeriod } from '../../notices/format-notice.js';
import { payoutsSection } from '../../payments/payouts/web/payouts-section.js';
import { keptCreatorEarnings } from '../earnings/kept-earnings.js';
import type { CreatorEarnings, MonthEarning } from '../earnings/load-creator-earnings.js';
import { html, type Html } from '../html.js';
import { EARNINGS_MESSAGES, type EarningsMessages } from '../messages/earnings.js';
import { pageNav } from '../page-nav.js';
import type { WebLocale } from '../pick-locale.js';
import { pageLocale, replyKeptPage, replyPage } from '../reply-page.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import { platformName } from '../web-messages.js';

/** `?page=N`: which twelve months; page 1 the newest. */
export const earningsPageQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).default(1) });

/**
 * `/earnings`: the signed-in user as a creator: balance, what each of their
 * accounts received, escrow still held for them and until when, and what
 * settled months brought, per community. The numbers are settlement's own.
 */
export function registerEarningsPage(scope: FastifyInstance, ctx: WebContext): void {
  scope.get('/earnings', async (request, reply) => {
    if (request.viewer?.via !== 'session') throw new WebError(401, 'unauthenticated', 'sign in to see your earnings');
    const query = earningsPageQuery.safeParse(request.query);
    if (!query.success) throw new WebError(422, 'invalid_input', 'page must be a whole number from 1');
    const userId = request.viewer.userId;
    const reading = await keptCreatorEarnings(ctx, userId, query.data.page);
    const earnings = reading.value;
    const nav = await pageNav(ctx, request, 'earnings');
    const { locale, m } = pageLocale(request, earnings.user.locale);
    const e = EARNINGS_MESSAGES[locale];
    // Payouts through Stripe (its own module; empty when payments are off), in the balance's currency.
    const payouts = await payoutsSection(ctx, request, locale, earnings.balances[0]?.currency ?? 'EUR');
    const page = () => ({ locale, m, title: e.title, nav, body: earningsBody(ctx, e, locale, earnings, payouts) });
    // The payouts section is read on every view (a payout's state moves with Stripe's webhooks): such a page is made each time.
    if (payouts !== '') return replyPage(reply, 200, page());
    return replyKeptPage(request, reply, reading, `earnings|${locale}|${nav?.admin ?? false}`, page);
  });
}

function earningsBody(ctx: WebContext, e: EarningsMessages, locale: WebLocale, earnings: CreatorEarnings, payouts: Html | ''): Html {
  const amounts = (list: Money[], none: string) => (list.length ? list.map((a) => formatMoney(a, locale)).join(' + ') : none);
  const { page } = earnings;
  return html`<h1>${e.title}</h1>
<p>${e.intro}</p>
<h2>${e.balance}</h2>
<p class="amount">${amounts(earnings.balances, e.balanceNone)}</p>
<p class="hint">${e.balanceHint}</p>
${payouts}
<h2>${e.accounts}</h2>
<div class="table-wrap"><table>
<thead><tr><th scope="col">${e.account}</th><th scope="col" class="num">${e.received}</th></tr></thead>
<tbody>${earnings.identities.map((i) => html`<tr><td>${i.handle ?? i.externalId} (${platformName(i.platform)})</td><td class="num">${amounts(i.received, e.nothingYet)}</td></tr>`)}</tbody>
</table></div>
${earnings.escrow.length ? html`<h2>${e.escrow}</h2><p>${e.escrowIntro}</p>
<ul>${earnings.escrow.map((w) => html`<li>${w.identity.handle ?? w.identity.externalId} (${platformName(w.identity.platform)}): <strong>${formatMoney(w.amount, locale)}</strong>, ${e.escrowUntil(formatDay(w.returnsFrom, locale, ctx.money.timeZone))}</li>`)}</ul>` : ''}
<h2 id="months">${e.months}${page.number > 1 ? html` · ${e.pageOf(page.number)}` : ''}</h2>
${earnings.months.length ? earnings.months.map((month) => renderMonth(e, locale, month)) : html`<p>${e.monthsNone}</p>`}
${page.number > 1 || page.hasMore ? html`<nav aria-label="${e.months}" class="actions">${page.number > 1 ? html`<a class="button" href="/earnings?page=${page.number - 1}#months">${e.newer}</a>` : ''}${page.hasMore ? html`<a class="button" href="/earnings?page=${page.number + 1}#months">${e.older}</a>` : ''}</nav>` : ''}`;
}

function renderMonth(e: EarningsMessages, locale: WebLocale, month: MonthEarning): Html {
  const name = formatPeriod(month.period, locale);
  return html`<div class="table-wrap"><table>
<caption>${name}: ${month.received.map((a) => formatMoney(a, locale)).join(' + ')} · ${e.flattrCount(month.flattrs)}</caption>
<thead><tr><th scope="col">${e.community}</th><th scope="col" class="num">${e.received}</th><th scope="col" class="num">${e.flattrs}</th><th scope="col" class="num">${e.supporters}</th></tr></thead>
<tbody>${month.communities.map((c) => html`<tr><td>${c.community ? `${c.name ?? c.community} (${platformName(c.platform)})` : e.noCommunity(platformName(c.platform))}</td><td class="num">${formatMoney(c.amount, locale)}</td><td class="num">${c.flattrs}</td><td class="num">${c.supporters}</td></tr>`)}
${month.moreCommunities > 0 ? html`<tr><td colspan="4" class="muted">${e.moreCommunities(month.moreCommunities)}</td></tr>` : ''}</tbody>
</table></div>`;
}
