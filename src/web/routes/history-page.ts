import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatMoney } from '../../domain/money.js';
import { formatPeriod } from '../../notices/format-notice.js';
import { loadHistoryMonths, loadHistoryRecipients, type HistoryMonth, type HistoryRecipient } from '../../people/load-supporter-history.js';
import { html, type Html } from '../html.js';
import { HISTORY_MESSAGES, type HistoryMessages } from '../messages/history.js';
import type { WebLocale } from '../pick-locale.js';
import { pageLocale, replyPage } from '../reply-page.js';
import { historyCsv } from '../settings/history-csv.js';
import { pageUser } from '../settings/page-user.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';
import { platformName } from '../web-messages.js';

/** Creators listed per month on /history; the month's own page and the CSV list them all. */
const INLINE_RECIPIENTS = 20;

/**
 * `/history`: each settled month (charged, fee, what each creator received
 * from this supporter), `/history/YYYY-MM` one month in full, and the CSV
 * downloads `/history.csv` (every month) and `/history/YYYY-MM.csv`.
 * The numbers are settlement's own (supporter_settlements), never recomputed.
 */
export function registerHistoryPage(scope: FastifyInstance, ctx: WebContext): void {
  scope.get('/history', async (request, reply) => {
    const userId = signedIn(request);
    const months = await loadHistoryMonths(ctx.db, userId);
    const recipients = await loadHistoryRecipients(ctx.db, userId, months.map((m) => m.period), INLINE_RECIPIENTS);
    return replyHistory(ctx, request, reply, userId, months, recipients, undefined);
  });

  scope.get('/history.csv', async (request, reply) => {
    const userId = signedIn(request);
    const months = await loadHistoryMonths(ctx.db, userId);
    return replyCsv(reply, 'flattr-history.csv', months, await loadHistoryRecipients(ctx.db, userId, months.map((m) => m.period)));
  });

  scope.get<{ Params: { file: string } }>('/history/:file', async (request, reply) => {
    const userId = signedIn(request);
    const match = /^(\d{4}-(?:0[1-9]|1[0-2]))(\.csv)?$/.exec(request.params.file);
    if (!match) throw new WebError(404, 'not_found', 'no such month');
    const period = match[1]!;
    const months = await loadHistoryMonths(ctx.db, userId, period);
    // Another supporter's month and a month never settled look the same: there is nothing of yours here.
    if (months.length === 0) throw new WebError(404, 'not_found', `no settled month ${period} of yours`);
    const recipients = await loadHistoryRecipients(ctx.db, userId, [period]);
    if (match[2]) return replyCsv(reply, `flattr-history-${period}.csv`, months, recipients);
    return replyHistory(ctx, request, reply, userId, months, recipients, period);
  });
}

function signedIn(request: FastifyRequest): number {
  if (request.viewer?.via !== 'session') throw new WebError(401, 'unauthenticated', 'sign in to see your history');
  return request.viewer.userId;
}

function replyCsv(reply: FastifyReply, filename: string, months: HistoryMonth[], recipients: HistoryRecipient[]): FastifyReply {
  return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(historyCsv(months, recipients));
}

async function replyHistory(
  ctx: WebContext, request: FastifyRequest, reply: FastifyReply, userId: number,
  months: HistoryMonth[], recipients: HistoryRecipient[], period: string | undefined,
): Promise<FastifyReply> {
  const user = await pageUser(ctx, request, userId, 'history');
  const { locale, m } = pageLocale(request, user.locale);
  const h = HISTORY_MESSAGES[locale];
  const title = period ? h.month(formatPeriod(period, locale)) : h.title;
  const body = html`<h1>${title}</h1>
${period ? html`<p><a href="/history">${h.allMonths}</a></p>` : html`<p>${h.intro}</p>`}
${months.length === 0 ? html`<p>${h.none}</p>` : html`<p class="actions"><a class="button" href="${period ? `/history/${period}.csv` : '/history.csv'}" download>${period ? h.downloadMonth(formatPeriod(period, locale)) : h.downloadAll}</a></p>`}
${months.map((month) => renderMonth(h, locale, month, recipients.filter((r) => r.period === month.period), period === undefined))}`;
  return replyPage(reply, 200, { locale, m, title, nav: user.nav, body });
}

function renderMonth(h: HistoryMessages, locale: WebLocale, month: HistoryMonth, recipients: HistoryRecipient[], summary: boolean): Html {
  const money = (minor: bigint) => formatMoney({ minor, currency: month.currency }, locale);
  const name = h.month(formatPeriod(month.period, locale));
  const total = recipients[0]?.ofMonth ?? 0;
  return html`<section aria-labelledby="m-${month.period}">
${summary ? html`<h2 id="m-${month.period}"><a href="/history/${month.period}">${name}</a></h2>` : html`<h2 id="m-${month.period}" class="visually-hidden">${name}</h2>`}
<dl class="figures"><div><dt>${h.charged}</dt><dd>${money(month.charged)}</dd></div><div><dt>${h.fee}</dt><dd>${money(month.fee)}</dd></div>
<div><dt>${h.flattrs}</dt><dd>${month.flattrs}</dd></div><div><dt>${h.budget}</dt><dd>${money(month.budget)}</dd></div></dl>
${month.charged === 0n ? html`<p class="muted">${h.notCharged}</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${h.recipient}</th><th scope="col" class="num">${h.flattrs}</th><th scope="col" class="num">${h.amount}</th></tr></thead>
<tbody>${recipients.map((r) => html`<tr><td>${platformName(r.platform)} ${r.handle ?? r.externalId}${r.claimed ? '' : html` <span class="muted">(${h.waiting})</span>`}</td><td class="num">${r.flattrs}</td><td class="num">${money(r.amount)}</td></tr>`)}</tbody>
</table></div>
${summary && total > recipients.length ? html`<p><a href="/history/${month.period}">${h.moreRecipients(total)}</a></p>` : ''}`}
</section>`;
}
