import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '../domain/errors.js';
import { formatMoney } from '../domain/money.js';
import { TopupRefusedError } from '../payments/topups/create-topup.js';
import type { Run } from './chat-run.js';
import { TOPUP_CHAT_MESSAGES } from './topup-messages.js';

/**
 * `/flattr topup <amount>`: a Stripe Checkout Session for the typer's own
 * wallet, its URL in the ephemeral reply. Each command is its own request
 * (a fresh idempotency key); nothing is credited until Stripe's webhook.
 */
export async function topupCommand(r: Run, amount: string | undefined, currency?: string): Promise<string> {
  const t = TOPUP_CHAT_MESSAGES[r.locale];
  if (!r.deps.payments) return t.unavailable;
  if (!amount) return t.usage;
  if (!r.user?.isSupporter) return t.notJoined;
  try {
    const topup = await r.deps.payments.topup({ userId: r.user.userId, amount, currency, requestKey: `chat:${r.ctx.platform}:${randomUUID()}`, locale: r.locale });
    return t.link(formatMoney(topup.amount, r.locale), topup.url);
  } catch (error) {
    if (error instanceof TopupRefusedError) {
      const detail = error.limit ? formatMoney(error.limit, r.locale) : error.reason === 'stripe_refused' ? error.message.replace(/^amount: /, '') : r.user.currency;
      return t.refused[error.reason](amount, detail);
    }
    if (error instanceof InvalidInputError && error.field === 'currency') return t.badCurrency(currency ?? '');
    r.deps.logger.warn({ err: error, userId: r.user.userId }, 'chat top-up: Stripe did not create the checkout session');
    return t.stripeDown;
  }
}
