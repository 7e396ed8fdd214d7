import Stripe from 'stripe';
import type { Db } from '../../db/database.js';
import { IdempotencyKeyConflictError, InvalidInputError } from '../../domain/errors.js';
import { parseAmount, parseCurrency, toDecimalString, type Money } from '../../domain/money.js';
import { callStripe, DEFAULT_RETRY, toStripeAmount, type RetryPolicy } from '../stripe-client.js';
import { topupBounds } from './topup-limits.js';

export type TopupRequest = {
  userId: number;
  /** As typed: "20", "20.50" ("20,5" is refused, money rule 1). */
  amount: string;
  /** When given, must be the wallet's. */
  currency?: string;
  /**
   * Names this one request (a form's nonce, a chat command's id): submitting
   * it again reuses its session instead of making a second one, and it is
   * the Stripe idempotency key of the session's creation.
   */
  requestKey: string;
  publicUrl: string;
  locale?: 'en' | 'fr';
  retry?: RetryPolicy;
};

export type TopupRefusal = 'amount_format' | 'below_minimum' | 'above_maximum' | 'other_currency' | 'stripe_refused';

/** A top-up refused before anything was asked of Stripe; `reason` lets each edge say it in the reader's language. */
export class TopupRefusedError extends InvalidInputError {
  override readonly code = 'TOPUP_REFUSED';
  constructor(readonly reason: TopupRefusal, field: string, message: string, readonly limit?: Money) {
    super(field, message);
    this.name = 'TopupRefusedError';
  }
}

export type Topup = { topupId: bigint; url: string; amount: Money; created: boolean };

/**
 * A Stripe Checkout Session for a wallet top-up: amount in minor units, the
 * supporter's own currency, the supporter as client_reference_id and in the
 * metadata. Nothing is credited here: only the signed webhook credits
 * (credit-topup.ts). The row is written before Stripe is called and the call
 * carries the request's idempotency key, so a retry or a crash in between
 * never makes two sessions.
 */
export async function createTopup(db: Db, stripe: Stripe, request: TopupRequest): Promise<Topup> {
  if (!/^[A-Za-z0-9:_-]{8,200}$/.test(request.requestKey)) throw new InvalidInputError('request', 'this top-up request has no valid id: reload the page and try again');
  const [user] = await db.$queryRawUnsafe<{ currency: string }[]>(`SELECT trim(currency) AS currency FROM users WHERE id = $1`, request.userId);
  if (!user) throw new InvalidInputError('user', `no user ${request.userId}`);
  const wallet = user.currency;
  if (request.currency !== undefined && parseCurrency(request.currency) !== wallet) {
    throw new TopupRefusedError('other_currency', 'currency', `your wallet is in ${wallet}: top-ups are in ${wallet} only (money is never converted)`);
  }
  const amount = parseTopupAmount(request.amount, wallet);
  const { minimum, maximum } = topupBounds(wallet);
  if (amount.minor < minimum.minor) throw new TopupRefusedError('below_minimum', 'amount', `a top-up is at least ${toDecimalString(minimum)} ${wallet}`, minimum);
  if (amount.minor > maximum.minor) throw new TopupRefusedError('above_maximum', 'amount', `a top-up is at most ${toDecimalString(maximum)} ${wallet}`, maximum);

  const row = await recordRequest(db, request, amount);
  if (row.url) return { topupId: row.id, url: row.url, amount, created: false };
  const ids = { flattr_topup_id: String(row.id), flattr_user_id: String(request.userId) };
  const base = request.publicUrl.replace(/\/+$/, '');
  const session = await callStripe(() => stripe.checkout.sessions.create({
    mode: 'payment',
    client_reference_id: String(request.userId),
    line_items: [{ quantity: 1, price_data: { currency: wallet.toLowerCase(), unit_amount: toStripeAmount(amount.minor), product_data: { name: 'flattr wallet top-up' } } }],
    metadata: ids,
    // On the payment intent (and so its charge) too: refunds and disputes name the top-up they take back.
    payment_intent_data: { metadata: ids },
    success_url: `${base}/wallet?topup=paid`,
    cancel_url: `${base}/wallet?topup=cancelled`,
    locale: request.locale ?? 'auto',
  }, { idempotencyKey: `topup:${request.requestKey}` }), request.retry ?? DEFAULT_RETRY).catch((error: unknown) => {
    // Stripe's own limits (its minimum charge in a currency, say): the supporter's to fix, in Stripe's words.
    if (error instanceof Stripe.errors.StripeInvalidRequestError) {
      throw new TopupRefusedError('stripe_refused', 'amount', error.message);
    }
    throw error;
  });
  if (!session.url) throw new Error(`Stripe gave checkout session ${session.id} no URL`);
  await db.$executeRawUnsafe(
    `UPDATE topup_sessions SET stripe_session_id = $2, url = $3, updated_at = now() WHERE id = $1`, row.id, session.id, session.url,
  );
  return { topupId: row.id, url: session.url, amount, created: true };
}

function parseTopupAmount(raw: string, currency: string): Money {
  try {
    return parseAmount(raw, currency);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new TopupRefusedError('amount_format', 'amount', error.message.replace(/^amount: /, ''));
    throw error;
  }
}

/** The request's row: new, or the one an earlier submission of the same request made (which must ask for the same). */
async function recordRequest(db: Db, request: TopupRequest, amount: Money): Promise<{ id: bigint; url: string | null }> {
  const [inserted] = await db.$queryRawUnsafe<{ id: bigint }[]>(
    `INSERT INTO topup_sessions (user_id, request_key, amount, currency) VALUES ($1, $2, $3, $4)
     ON CONFLICT (request_key) DO NOTHING RETURNING id`,
    request.userId, request.requestKey, amount.minor, amount.currency,
  );
  if (inserted) return { id: inserted.id, url: null };
  const [earlier] = await db.$queryRawUnsafe<{ id: bigint; user_id: number; amount: bigint; currency: string; url: string | null }[]>(
    `SELECT id, user_id, amount, trim(currency) AS currency, url FROM topup_sessions WHERE request_key = $1`, request.requestKey,
  );
  if (!earlier || earlier.user_id !== request.userId || earlier.amount !== amount.minor || earlier.currency !== amount.currency) {
    throw new IdempotencyKeyConflictError(request.requestKey, `top-up ${earlier?.id ?? '?'}`);
  }
  return earlier;
}
