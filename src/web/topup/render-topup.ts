import { randomUUID } from 'node:crypto';
import { formatMoney, type Money } from '../../domain/money.js';
import { topupBounds } from '../../payments/topups/topup-limits.js';
import { html, type Html } from '../html.js';
import type { TopupMessages } from '../messages/topup.js';
import type { WebLocale } from '../pick-locale.js';

export type TopupFormState = {
  /** After Stripe sent the supporter back (?topup=paid|cancelled). */
  back?: 'paid' | 'cancelled';
  error?: string;
  amount?: string;
};

/**
 * The wallet page's "Add money" form. Each rendering carries a fresh request
 * id: submitting the same form twice reuses one Checkout Session.
 */
export function renderTopupForm(o: { t: TopupMessages; locale: WebLocale; currency: string; csrfToken: string; state: TopupFormState; owed: readonly Money[] }): Html {
  const { t, state } = o;
  const { minimum, maximum } = topupBounds(o.currency);
  return html`<h2 id="topup">${t.heading}</h2>
${o.owed.length > 0 ? html`<p class="notice" role="status">${t.owed(o.owed.map((a) => formatMoney(a, o.locale)).join(' + '))}</p>` : ''}
${state.back ? html`<p class="notice" role="status">${state.back === 'paid' ? t.paid : t.cancelled}</p>` : ''}
${state.error ? html`<p class="notice form-error" role="alert">${t.problem} ${state.error}</p>` : ''}
<form method="post" action="/wallet/topup">
<input type="hidden" name="_csrf" value="${o.csrfToken}">
<input type="hidden" name="request" value="${randomUUID()}">
<label for="topup-amount">${t.amount(o.currency)}</label>
<input id="topup-amount" name="amount" inputmode="decimal" autocomplete="off" required maxlength="20" value="${state.amount ?? ''}" aria-describedby="topup-hint">
<p class="hint" id="topup-hint">${t.hint(formatMoney(minimum, o.locale), formatMoney(maximum, o.locale))}</p>
<p class="actions"><button type="submit">${t.pay}</button></p>
</form>`;
}
