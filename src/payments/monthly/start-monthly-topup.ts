import type Stripe from 'stripe';
import type { Db } from '../../db/database.js';
import { InvalidInputError } from '../../domain/errors.js';
import { callStripe, DEFAULT_RETRY, type RetryPolicy } from '../stripe-client.js';
import { ensureStripeCustomer } from './stripe-customer.js';

/** Marks the hub's setup sessions (metadata), so the webhook tells them from anything else in setup mode. */
export const MONTHLY_SETUP_MARK = 'flattr_monthly_topup';

export type MonthlyTopupStart = {
  userId: number;
  /** Names this one request (a form's nonce): submitting it again reuses its session (the Stripe idempotency key). */
  requestKey: string;
  publicUrl: string;
  locale?: 'en' | 'fr';
  retry?: RetryPolicy;
};

/**
 * Starts a monthly top-up: a Stripe Checkout Session in setup mode for the
 * supporter's Stripe Customer, in the wallet's currency, where the supporter
 * saves a card for off-session use. Nothing is charged and nothing recorded
 * here: the signed checkout.session.completed makes it active
 * (monthly-setup-completed.ts), and the monthly run charges the budget.
 * Setup mode rather than a first payment with setup_future_usage: the amount
 * follows the budget of each period, and every charge, the first included,
 * takes the one path of the monthly run at the start of a period.
 */
export async function startMonthlyTopup(db: Db, stripe: Stripe, request: MonthlyTopupStart): Promise<{ url: string }> {
  if (!/^[A-Za-z0-9:_-]{8,200}$/.test(request.requestKey)) throw new InvalidInputError('request', 'this request has no valid id: reload the page and try again');
  const [user] = await db.$queryRawUnsafe<{ currency: string; budget: bigint | null }[]>(
    `SELECT trim(u.currency) AS currency, s.budget_minor AS budget FROM users u LEFT JOIN supporter_settings s ON s.user_id = u.id WHERE u.id = $1`, request.userId,
  );
  if (!user) throw new InvalidInputError('user', `no user ${request.userId}`);
  if (!user.budget || user.budget <= 0n) throw new InvalidInputError('budget', 'your monthly budget is 0: set a budget first, the monthly top-up charges that amount');
  const retry = request.retry ?? DEFAULT_RETRY;
  const customer = await ensureStripeCustomer(db, stripe, request.userId, retry);
  const base = request.publicUrl.replace(/\/+$/, '');
  const metadata = { [MONTHLY_SETUP_MARK]: 'setup', flattr_user_id: String(request.userId) };
  const session = await callStripe(() => stripe.checkout.sessions.create({
    mode: 'setup',
    currency: user.currency.toLowerCase(),
    customer,
    client_reference_id: String(request.userId),
    metadata,
    setup_intent_data: { metadata, description: 'flattr-hub monthly top-up' },
    success_url: `${base}/wallet?monthly=on`,
    cancel_url: `${base}/wallet?monthly=cancelled`,
    locale: request.locale ?? 'auto',
  }, { idempotencyKey: `monthly-topup-setup:${request.requestKey}` }), retry);
  if (!session.url) throw new Error(`Stripe gave setup session ${session.id} no URL`);
  return { url: session.url };
}
