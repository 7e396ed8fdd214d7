import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatMoney } from '../../domain/money.js';
import { formatPeriod } from '../../notices/format-notice.js';
import { loadWalletMovements, type WalletMovement } from '../../people/load-wallet-movements.js';
import { loadMonthlyTopup } from '../../payments/monthly/load-monthly-topup.js';
import { loadOwed } from '../../payments/topups/load-owed.js';
import { html } from '../html.js';
import { MONTHLY_TOPUP_MESSAGES } from '../messages/monthly-topup.js';
import { TOPUP_MESSAGES } from '../messages/topup.js';
import { renderMonthlyTopup, type MonthlyFormState } from '../topup/render-monthly-topup.js';
import { renderTopupForm, type TopupFormState } from '../topup/render-topup.js';
import type { WalletMessages } from '../messages/wallet.js';
import { WALLET_MESSAGES } from '../messages/wallet.js';
import type { WebLocale } from '../pick-locale.js';
import { pageLocale, replyPage } from '../reply-page.js';
import { pageUser } from '../settings/page-user.js';
import type { WebContext } from '../web-context.js';
import { WebError } from '../web-error.js';

/** Movements per page. */
export const WALLET_PAGE_SIZE = 50;

/**
 * `/wallet`: the wallet's balance per currency and its movements from the
 * ledger, newest first, `WALLET_PAGE_SIZE` at a time (`?before=<entry id>`
 * pages on, as the "older" link builds it).
 */
export function registerWalletPage(scope: FastifyInstance, ctx: WebContext, options: { topups?: boolean } = {}): void {
  scope.get<{ Querystring: { before?: string; topup?: string; monthly?: string } }>('/wallet', async (request, reply) => {
    const back = request.query.topup === 'paid' || request.query.topup === 'cancelled' ? request.query.topup : undefined;
    const monthly = request.query.monthly === 'on' || request.query.monthly === 'cancelled' || request.query.monthly === 'off' ? request.query.monthly : undefined;
    return replyWallet(ctx, request as FastifyRequest, reply, 200, { before: request.query.before, topups: options.topups, topup: { back }, monthly: { back: monthly } });
  });
}

/**
 * The wallet page; with `topups` (Stripe configured) its "Add money" form and
 * its monthly top-up section, in the state a request left them (src/web/topup/).
 */
export async function replyWallet(ctx: WebContext, request: FastifyRequest, reply: FastifyReply, status: number, o: { before?: string; topups?: boolean; topup?: TopupFormState; monthly?: MonthlyFormState }): Promise<FastifyReply> {
  const viewer = request.viewer;
  if (viewer?.via !== 'session') throw new WebError(401, 'unauthenticated', 'sign in to see your wallet');
  const raw = o.before;
  if (raw !== undefined && !/^\d{1,18}$/.test(raw)) throw new WebError(422, 'invalid_input', 'before must be an entry id from the "older" link');
  const page = await loadWalletMovements(ctx.db, viewer.userId, { before: raw === undefined ? undefined : BigInt(raw), limit: WALLET_PAGE_SIZE });
  const user = await pageUser(ctx, request, viewer.userId, 'wallet');
  const { locale, m } = pageLocale(request, user.locale);
  const w = WALLET_MESSAGES[locale];
  const when = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: ctx.money.timeZone });
  const nonZero = page.balances.filter((b) => b.minor !== 0n);
  const topupForm = o.topups && o.topup !== undefined && raw === undefined
    ? renderTopupForm({ t: TOPUP_MESSAGES[locale], locale, currency: await walletCurrency(ctx, viewer.userId), csrfToken: viewer.csrfToken, state: o.topup, owed: await loadOwed(ctx.db, viewer.userId) })
    : '';
  const monthlySection = o.topups && o.topup !== undefined && raw === undefined
    ? renderMonthlyTopup({ t: MONTHLY_TOPUP_MESSAGES[locale], locale, csrfToken: viewer.csrfToken, view: await loadMonthlyTopup(ctx.db, viewer.userId), state: o.monthly ?? {} })
    : '';
  return replyPage(reply, status, {
    locale, m, title: w.title, nav: user.nav,
    body: html`<h1>${w.title}</h1>
<h2>${w.balance}</h2>
${nonZero.length === 0 ? html`<p>${w.empty}</p>` : html`<p class="amount">${nonZero.map((b) => formatMoney(b, locale)).join(' + ')}</p>`}
${topupForm}
${monthlySection}
<h2>${w.movements}</h2>
${page.movements.length === 0 ? html`<p class="muted">${w.none}</p>` : html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${w.date}</th><th scope="col">${w.what}</th><th scope="col" class="num">${w.amount}</th></tr></thead>
<tbody>${page.movements.map((mv) => html`<tr><td>${when.format(mv.at)}</td><td>${describe(w, locale, mv)}</td><td class="num">${signed(mv, locale)}</td></tr>`)}</tbody>
</table></div>`}
<p class="actions">${raw !== undefined ? html`<a href="/wallet">${w.newest}</a> ` : ''}${page.next !== null ? html`<a href="/wallet?before=${String(page.next)}">${w.older}</a>` : ''}</p>`,
  });
}

async function walletCurrency(ctx: WebContext, userId: number): Promise<string> {
  const [row] = await ctx.db.$queryRawUnsafe<{ currency: string }[]>(`SELECT trim(currency) AS currency FROM users WHERE id = $1`, userId);
  return row?.currency ?? 'EUR';
}

function describe(w: WalletMessages, locale: WebLocale, mv: WalletMovement): string {
  if (mv.kind === 'funding') return w.kinds.funding;
  if (mv.kind === 'settlement' && mv.period) return w.kinds.settlement(formatPeriod(mv.period, locale));
  if (mv.kind === 'escrow_release') return w.kinds.escrow_release;
  if (mv.kind === 'topup' || mv.kind === 'topup_reversal') return TOPUP_MESSAGES[locale].kinds[mv.kind];
  return w.kinds.other(mv.kind);
}

/** "+€35.00" in, "−€31.50" out: a reader sees the direction without colour. */
function signed(mv: WalletMovement, locale: WebLocale): string {
  const text = formatMoney(mv.amount, locale);
  return mv.amount.minor > 0n ? `+${text}` : text;
}
