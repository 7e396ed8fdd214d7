import { randomUUID } from 'node:crypto';
import { formatMoney } from '../../domain/money.js';
import { formatPeriod } from '../../notices/format-notice.js';
import type { MonthlyTopupView } from '../../payments/monthly/load-monthly-topup.js';
import { html, type Html } from '../html.js';
import type { MonthlyTopupMessages } from '../messages/monthly-topup.js';
import type { WebLocale } from '../pick-locale.js';

export type MonthlyFormState = {
  /** After Stripe sent the supporter back (?monthly=on|cancelled), or after turning it off. */
  back?: 'on' | 'cancelled' | 'off';
  error?: string;
};

/**
 * The wallet page's "Top up my budget every month" section: the button that
 * starts saving a card (a fresh request id per rendering, so a double submit
 * reuses one setup session), or, when on, what is charged and the button
 * that turns it off; and how the latest monthly charge went.
 */
export function renderMonthlyTopup(o: { t: MonthlyTopupMessages; locale: WebLocale; csrfToken: string; view: MonthlyTopupView; state: MonthlyFormState }): Html {
  const { t, view, state, locale } = o;
  const budget = formatMoney(view.budget, locale);
  return html`<h2 id="monthly">${t.heading}</h2>
${state.back ? html`<p class="notice" role="status">${t.back[state.back]}</p>` : ''}
${state.error ? html`<p class="notice form-error" role="alert">${state.error}</p>` : ''}
${view.last ? html`<p class="${view.last.status === 'failed' ? 'notice form-error' : 'muted'}">${lastCharge(t, locale, view.last)}</p>` : ''}
${view.on
    ? html`<p id="monthly-hint">${t.onText(budget, view.card)}</p>
${startForm(o.csrfToken, t.replace)}
<form method="post" action="/wallet/monthly-topup/off" aria-labelledby="monthly">
<input type="hidden" name="_csrf" value="${o.csrfToken}">
<p class="actions"><button type="submit" class="secondary">${t.stop}</button></p>
</form>`
    : html`<p id="monthly-hint">${t.offText(budget)}</p>
${startForm(o.csrfToken, t.start)}`}`;
}

/** Saving a card through Stripe: to turn the monthly top-up on, or, when on, to charge another card from now on (the new one replaces the old). */
function startForm(csrfToken: string, label: string): Html {
  return html`<form method="post" action="/wallet/monthly-topup" aria-labelledby="monthly" aria-describedby="monthly-hint">
<input type="hidden" name="_csrf" value="${csrfToken}">
<input type="hidden" name="request" value="${randomUUID()}">
<p class="actions"><button type="submit">${label}</button></p>
</form>`;
}

function lastCharge(t: MonthlyTopupMessages, locale: WebLocale, last: NonNullable<MonthlyTopupView['last']>): string {
  const month = formatPeriod(last.period, locale);
  const amount = formatMoney(last.amount, locale);
  if (last.status === 'paid') return t.last.paid(month, amount);
  if (last.status === 'failed') return t.last.failed(month, amount, why(t, last.failureReason));
  return t.last.open(month, amount);
}

/** "card_declined/insufficient_funds: Your card has insufficient funds." → the reader's words for card_declined, else Stripe's message. */
function why(t: MonthlyTopupMessages, reason: string | null): string {
  const code = reason?.split(/[/:]/)[0] ?? '';
  if (Object.hasOwn(t.reasons, code)) return t.reasons[code as keyof MonthlyTopupMessages['reasons']];
  return reason?.replace(/^[^:]*:\s*/, '') ?? '';
}
