import type { FastifyRequest } from 'fastify';
import type { Db } from '../../../db/database.js';
import { formatMoney } from '../../../domain/money.js';
import { html, type Html } from '../../../web/html.js';
import type { WebLocale } from '../../../web/pick-locale.js';
import type { WebContext } from '../../../web/web-context.js';
import { payoutMinimum } from '../plan-payouts.js';
import { PAYOUTS_MESSAGES } from './payouts-messages.js';

/** Which web contexts have payouts on (Stripe configured), with PAYOUT_MINIMUM; set by registerPayoutsRoutes: no global state. */
const enabled = new WeakMap<WebContext, { minimum: string }>();

export function enablePayoutsSection(ctx: WebContext, minimum: string): void {
  enabled.set(ctx, { minimum });
}

export type PayoutsView = {
  account?: { payoutsEnabled: boolean; requirementsDue: string[] };
  /** `returned`: what came back to the balance (all of it once returned; part of it after a partial reversal by Stripe). */
  payouts: { at: Date; amount: bigint; returned: bigint; currency: string; status: 'pending' | 'paid' | 'returned'; reason: string | null; stripeTransferId: string | null }[];
};

/** The creator's connected account and last twelve payouts, newest first (the /earnings section and GET /api/v1/payouts). */
export async function loadPayoutsView(db: Db, userId: number): Promise<PayoutsView> {
  const [account] = await db.$queryRawUnsafe<{ payouts_enabled: boolean; requirements_due: string[] }[]>(
    `SELECT payouts_enabled, requirements_due FROM stripe_connected_accounts WHERE user_id = $1`, userId);
  const payouts = await db.$queryRawUnsafe<{ created_at: Date; amount: bigint; returned: bigint; currency: string; status: 'pending' | 'paid' | 'returned'; reason: string | null; stripe_transfer_id: string | null }[]>(
    `SELECT created_at, amount, returned, trim(currency) AS currency, status, reason, stripe_transfer_id FROM payouts WHERE user_id = $1 ORDER BY id DESC LIMIT 12`, userId);
  return {
    account: account ? { payoutsEnabled: account.payouts_enabled, requirementsDue: account.requirements_due } : undefined,
    payouts: payouts.map((p) => ({ at: p.created_at, amount: p.amount, returned: p.returned, currency: p.currency, status: p.status, reason: p.reason, stripeTransferId: p.stripe_transfer_id })),
  };
}

/** The /earnings section: the connected account's state, its button, and the last payouts. Empty when payouts are off. */
export async function payoutsSection(ctx: WebContext, request: FastifyRequest, locale: WebLocale, currency: string): Promise<Html | ''> {
  const on = enabled.get(ctx);
  if (!on || request.viewer?.via !== 'session') return '';
  const view = await loadPayoutsView(ctx.db, request.viewer.userId);
  const p = PAYOUTS_MESSAGES[locale];
  const minimum = formatMoney({ minor: payoutMinimum(on.minimum, currency), currency }, locale);
  const day = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: ctx.money.timeZone });
  const retry = (request.query as Record<string, unknown> | undefined)?.connect === 'retry';
  const button = (label: string) => html`<form method="post" action="/earnings/connect" class="inline"><input type="hidden" name="_csrf" value="${request.viewer?.via === 'session' ? request.viewer.csrfToken : ''}"><button type="submit">${label}</button></form>`;
  const state = !view.account
    ? html`<p>${p.notConnected}</p><p class="actions">${button(p.connect)}</p>`
    : view.account.payoutsEnabled
      ? html`<p>${p.ready}</p>`
      : html`<p>${p.pending}${view.account.requirementsDue.length ? html` ${p.needs(view.account.requirementsDue.join(', '))}` : ''}</p><p class="actions">${button(p.continueSetup)}</p>`;
  return html`<h2 id="payouts">${p.heading}</h2>
<p>${p.intro(minimum)}</p>
${retry ? html`<p class="hint">${p.retry}</p>` : ''}${state}
${view.payouts.length ? html`<div class="table-wrap"><table>
<thead><tr><th scope="col">${p.date}</th><th scope="col" class="num">${p.amount}</th><th scope="col">${p.status}</th></tr></thead>
<tbody>${view.payouts.map((row) => html`<tr><td>${day.format(row.at)}</td><td class="num">${formatMoney({ minor: row.amount, currency: row.currency }, locale)}</td><td>${p.statuses[row.status]}${row.status === 'returned' ? html` <span class="muted">${p.returned}</span>` : row.returned > 0n ? html` <span class="muted">${p.partlyReturned(formatMoney({ minor: row.returned, currency: row.currency }, locale))}</span>` : ''}</td></tr>`)}</tbody>
</table></div>` : html`<p class="muted">${p.none}</p>`}`;
}
