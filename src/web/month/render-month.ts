import { formatMoney, toDecimalString } from '../../domain/money.js';
import { html, Html } from '../html.js';
import type { MonthMessages } from '../messages/month.js';
import type { WebLocale } from '../pick-locale.js';
import { platformName, type WebMessages } from '../web-messages.js';
import { memoized } from '../view-cache.js';
import { itemLink } from './item-link.js';
import type { MonthView } from './month-view.js';

/** Offered in the currency list, besides the supporter's own. */
const CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'CAD', 'AUD', 'JPY', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK'];

export type MonthPage = {
  view: MonthView;
  locale: WebLocale;
  t: MonthMessages;
  /** The layout's words ("Signed in as …"). */
  m: WebMessages;
  csrfToken: string;
  timeZone: string;
  feeBps: number;
  /** A sentence saying what the last change did. */
  done?: string;
  /** Why the last change was refused (nothing was changed), and what was typed. */
  error?: { message: string; amount?: string; currency?: string };
};

/** Intl formatters kept by what they are built from: building one costs far more than using it (2% of a loaded hub's time, built per view). */
const formats = new Map<string, Intl.DateTimeFormat | Intl.NumberFormat>();
function kept<F extends Intl.DateTimeFormat | Intl.NumberFormat>(key: string, build: () => F): F {
  let format = formats.get(key) as F | undefined;
  if (!format) formats.set(key, (format = build()));
  return format;
}

const dateFormat = (locale: string, timeZone: string) =>
  kept(`date|${locale}|${timeZone}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }));

/** "November 2026" for 2026-11, in the reader's language. */
export function monthName(period: string, locale: string): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return kept(`month|${locale}`, () => new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' })).format(new Date(Date.UTC(y, m - 1, 15)));
}

export function renderMonth(p: MonthPage): Html {
  const { view, t } = p;
  const month = monthName(view.period, p.locale);
  const s = view.supporter;
  const who = view.identities.map((i) => `${platformName(i.platform)} ${i.handle ?? i.externalId}`).join(', ');
  return html`<h1>${t.heading(month)}</h1>
${who ? html`<p class="muted">${p.m.home.signedInAs(who)}</p>` : ''}
${p.done ? html`<p class="notice" role="status">${p.done}</p>` : ''}
${p.error ? html`<p class="form-error" role="alert">${p.error.message}</p>` : ''}
${s ? summary(p, s) : html`<h2>${t.start.title}</h2><p>${t.start.body}</p>`}
${budgetForm(p)}
${s ? flattrTable(p, s) : ''}`;
}

function summary(p: MonthPage, s: NonNullable<MonthView['supporter']>): Html {
  const { t, locale, view } = p;
  const money = (minor: bigint) => formatMoney({ minor, currency: view.currency }, locale);
  const percent = kept(`percent|${locale}`, () => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 2 })).format(p.feeBps / 10000);
  return html`<table class="summary"><tbody>
<tr><th scope="row">${t.budget}</th><td class="num">${money(s.budget)}</td></tr>
<tr><th scope="row">${t.wallet}</th><td class="num">${money(s.wallet)}</td></tr>
<tr><th scope="row">${t.wouldCharge}</th><td class="num">${money(s.charged)}</td></tr>
<tr><th scope="row">${t.fee(percent)}</th><td class="num">${money(s.fee)}</td></tr>
<tr><th scope="row">${t.toCreators}</th><td class="num">${money(s.distributable)}</td></tr>
</tbody></table>
<p class="hint">${s.flattrCount ? t.ifEndedNow : t.nothingCharged}</p>
${s.active ? '' : html`<p class="notice">${t.paused}</p>`}
${s.platforms.length ? '' : html`<p class="notice">${t.platformsOff} <a href="/settings">${t.settingsLink}</a></p>`}`;
}

function budgetForm(p: MonthPage): Html {
  const { t, view } = p;
  const s = view.supporter;
  const amount = p.error?.amount ?? (s && s.budget > 0n ? toDecimalString({ minor: s.budget, currency: view.currency }) : '');
  const chosen = p.error?.currency && CURRENCIES.includes(p.error.currency) ? p.error.currency : view.currency;
  const options = CURRENCIES.includes(view.currency) ? CURRENCIES : [view.currency, ...CURRENCIES];
  return html`<form method="post" action="/month/budget" class="budget">
<input type="hidden" name="_csrf" value="${p.csrfToken}">
<fieldset><legend>${t.form.legend}</legend>
<label for="budget-amount">${t.form.amount}</label>
<input id="budget-amount" name="amount" inputmode="decimal" autocomplete="off" required value="${amount}" aria-describedby="budget-amount-hint">
<p class="hint" id="budget-amount-hint">${t.form.amountHint}</p>
<label for="budget-currency">${t.form.currency}</label>
<select id="budget-currency" name="currency" aria-describedby="budget-currency-hint">${options.map((c) => html`<option value="${c}"${c === chosen ? html` selected` : ''}>${c}</option>`)}</select>
<p class="hint" id="budget-currency-hint">${t.form.currencyHint}</p>
<p><button type="submit">${t.form.save}</button></p>
</fieldset>
</form>`;
}

/**
 * The list: one form around the table, each row's button naming its flattr,
 * so the CSRF token is in the page once rather than in a form per row, and the
 * table itself names nothing of the session: it is kept with the split
 * (memoized with the view's reading) and a repeated view only pastes it in.
 */
function flattrTable(p: MonthPage, s: NonNullable<MonthView['supporter']>): Html {
  const { t, view } = p;
  if (s.flattrCount === 0) return html`<h2>${t.flattrs.title(0)}</h2><p>${t.flattrs.none}</p>`;
  const key = `table|${s.page}|${p.locale}`;
  const table = memoized(view.reading, key, () => tableRows(p, s).value);
  return html`<h2 id="flattrs">${t.flattrs.title(s.flattrCount)}</h2>
<form method="post" action="/month/undo"><input type="hidden" name="_csrf" value="${p.csrfToken}">
${new Html(table)}
</form>
${s.pages > 1 ? pager(t, s.page, s.pages) : ''}`;
}

function tableRows(p: MonthPage, s: NonNullable<MonthView['supporter']>): Html {
  const { t, locale, view } = p;
  const dates = dateFormat(locale, p.timeZone);
  // A row is kept short (a button's type is submit by default; one footnote says what * means): the page's weight is its rows.
  const rows = s.flattrs.map((f) => {
    const who = f.recipient.handle ?? f.recipient.externalId;
    const link = itemLink(f.platform, f.item);
    return html`<tr>
<td>${who} <span class="muted">(${platformName(f.recipient.platform)})</span>${f.recipient.claimed ? '' : html`<sup>*</sup>`}</td>
<td class="num">${formatMoney({ minor: f.share, currency: view.currency }, locale)}</td>
<td>${f.communityName ?? f.community ?? '—'}</td>
<td>${link ? html`<a href="${link}" rel="noopener noreferrer">${t.openItem(platformName(f.platform))}</a>` : f.item}</td>
<td>${dates.format(f.occurredAt)}</td>
<td><button name="flattr" value="${String(f.id)}" class="secondary" aria-label="${`${t.undo}: ${who}`}">${t.undo}</button></td>
</tr>`;
  });
  return html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${t.flattrs.recipient}</th><th scope="col" class="num">${t.flattrs.share}</th><th scope="col">${t.flattrs.community}</th><th scope="col">${t.flattrs.item}</th><th scope="col">${t.flattrs.likedAt}</th><th scope="col">${t.flattrs.action}</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>
${s.flattrs.some((f) => !f.recipient.claimed) ? html`<p class="hint"><sup>*</sup> ${t.waitingClaim}</p>` : ''}`;
}

function pager(t: MonthMessages, page: number, pages: number): Html {
  return html`<nav aria-label="${t.page(page, pages)}" class="pager"><p>
${page > 1 ? html`<a href="/?page=${page - 1}#flattrs" rel="prev">${t.previous}</a> ` : ''}<span>${t.page(page, pages)}</span>${page < pages ? html` <a href="/?page=${page + 1}#flattrs" rel="next">${t.next}</a>` : ''}
</p></nav>`;
}
