import Stripe from 'stripe';
import type { Db } from '../../db/database.js';
import { callStripe, DEFAULT_RETRY, describeStripeError, isTransientStripeError, toStripeAmount, type RetryPolicy } from '../stripe-client.js';
import type { PlannedMonthlyTopup } from './plan-monthly-topups.js';

export type ChargeOutcome =
  /** Stripe took the payment (or is processing it): the wallet is credited by payment_intent.succeeded. */
  | { status: 'charged'; paymentIntentId: string }
  /** Declined, authentication required, or refused for good: recorded with Stripe's reason, not retried. */
  | { status: 'failed'; reason: string }
  /** Stripe could not be reached or kept failing: the row stays open and the next run sends it again under the same key. */
  | { status: 'pending'; reason: string }
  /** Another run opened this period's charge first: it is that run's to send. */
  | { status: 'taken' };

type Charge = Extract<PlannedMonthlyTopup, { action: 'charge' }>;

/**
 * One supporter's monthly top-up: the row for (supporter, period) is written
 * first, then an off-session PaymentIntent confirmed at once, under the key
 * auto-topup:<user>:<period>. A crash in between leaves an open row that the
 * next run sends again under the same key, so Stripe answers with the first
 * payment instead of charging twice. Nothing is credited here.
 */
export async function chargeMonthlyTopup(db: Db, stripe: Stripe, charge: Charge, now: Date, retry: RetryPolicy = DEFAULT_RETRY): Promise<ChargeOutcome> {
  const topupId = charge.resume ?? await openCharge(db, charge, now);
  if (topupId === undefined) return { status: 'taken' };
  let intent: Stripe.PaymentIntent;
  try {
    intent = await callStripe(() => stripe.paymentIntents.create({
      amount: toStripeAmount(charge.amount),
      currency: charge.currency.toLowerCase(),
      customer: charge.customerId,
      payment_method: charge.paymentMethodId,
      confirm: true,
      off_session: true,
      // Nobody is there to follow a redirect: a payment method that needs one fails instead (Stripe then asks for no return_url).
      automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      description: `flattr-hub monthly top-up ${charge.period}`,
      metadata: { flattr_topup_id: String(topupId), flattr_user_id: String(charge.userId), flattr_monthly_period: charge.period },
    }, { idempotencyKey: charge.idempotencyKey }), retry);
  } catch (error) {
    if (error instanceof Stripe.errors.StripeCardError) {
      const reason = failureReason(error.code, error.decline_code, error.message);
      await markFailed(db, topupId, reason, error.payment_intent?.id ?? null);
      return { status: 'failed', reason };
    }
    // An idempotency error means the key was first used with other parameters: never guess, leave it for the operator.
    if (isTransientStripeError(error) || error instanceof Stripe.errors.StripeIdempotencyError || !(error instanceof Stripe.errors.StripeError)) {
      return { status: 'pending', reason: describeStripeError(error) };
    }
    const reason = failureReason(error.code, undefined, error.message);
    await markFailed(db, topupId, reason, null);
    return { status: 'failed', reason };
  }
  if (intent.status !== 'succeeded' && intent.status !== 'processing') {
    const reason = failureReason(intent.last_payment_error?.code ?? intent.status, intent.last_payment_error?.decline_code, intent.last_payment_error?.message ?? `the payment is ${intent.status}`);
    await markFailed(db, topupId, reason, intent.id);
    return { status: 'failed', reason };
  }
  // The webhook may have come first and credited it: only an unknown intent id is written.
  await db.$executeRawUnsafe(`UPDATE topup_sessions SET payment_intent_id = $2, updated_at = now() WHERE id = $1 AND payment_intent_id IS NULL`, topupId, intent.id);
  return { status: 'charged', paymentIntentId: intent.id };
}

/** The row of this (supporter, period), on the run's clock: a later run judges by it whether Stripe still keeps the key. */
async function openCharge(db: Db, charge: Charge, now: Date): Promise<bigint | undefined> {
  const [row] = await db.$queryRawUnsafe<{ id: bigint }[]>(
    `INSERT INTO topup_sessions (user_id, request_key, amount, currency, monthly_period, created_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT DO NOTHING RETURNING id`,
    charge.userId, charge.idempotencyKey, charge.amount, charge.currency, charge.period, now,
  );
  return row?.id;
}

/** A charge that did not go through, with Stripe's reason; a paid one stays paid whatever arrives late. */
export async function markFailed(db: Pick<Db, '$executeRawUnsafe'>, topupId: bigint, reason: string, paymentIntentId: string | null): Promise<number> {
  return db.$executeRawUnsafe(
    `UPDATE topup_sessions SET status = 'failed', failure_reason = $2, payment_intent_id = coalesce(payment_intent_id, $3), updated_at = now()
      WHERE id = $1 AND status = 'open'`,
    topupId, reason, paymentIntentId,
  );
}

/** "insufficient_funds: Your card has insufficient funds.": the code first, so the wallet page can say it in the reader's language. */
export function failureReason(code: string | undefined, declineCode: string | undefined, message: string): string {
  const which = declineCode && declineCode !== code ? `${code ?? 'declined'}/${declineCode}` : code ?? 'failed';
  return `${which}: ${message}`.slice(0, 500);
}


