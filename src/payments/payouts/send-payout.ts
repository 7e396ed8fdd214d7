import Stripe from 'stripe';
import type { Db } from '../../db/database.js';
import type { OpenedPayout } from './open-payout.js';
import { returnPayout } from './return-payout.js';
import { callStripe, DEFAULT_RETRY, describeStripeError, isTransientStripeError, toStripeAmount, type RetryPolicy } from '../stripe-client.js';

export type SendOutcome =
  | { status: 'paid'; stripeTransferId: string }
  | { status: 'returned'; reason: string }
  /** Stripe could not be reached or kept failing: the payout stays pending and the next run asks again under the same key. */
  | { status: 'pending'; reason: string };

/**
 * Step two of a payout: the Stripe transfer to the creator's connected
 * account, under the payout's idempotency key. Asked again after a crash or
 * a timeout, Stripe answers with the transfer it already made, so a payout is
 * sent at most once however often this runs. A refusal for good (the account
 * cannot receive it, the platform balance is short) gives the money back.
 */
export async function sendPayout(db: Db, stripe: Stripe, payout: OpenedPayout, backoff: Partial<RetryPolicy> = {}): Promise<SendOutcome> {
  let transfer: Stripe.Transfer;
  try {
    transfer = await callStripe(() => stripe.transfers.create({
      amount: toStripeAmount(payout.amount),
      currency: payout.currency.toLowerCase(),
      destination: payout.stripeAccountId,
      transfer_group: payout.idempotencyKey,
      metadata: { payout_id: payout.payoutId.toString(), user_id: String(payout.userId) },
    }, { idempotencyKey: payout.idempotencyKey }), { ...DEFAULT_RETRY, ...backoff });
  } catch (error) {
    if (isTransientStripeError(error) || error instanceof Stripe.errors.StripeIdempotencyError || !(error instanceof Stripe.errors.StripeError)) {
      // An idempotency error means the key was used for something else: never guess, leave it for the operator.
      return { status: 'pending', reason: describeStripeError(error) };
    }
    const reason = `Stripe refused the transfer: ${describeStripeError(error)}`;
    await returnPayout(db, payout.payoutId, reason);
    return { status: 'returned', reason };
  }
  await db.$executeRawUnsafe(
    `UPDATE payouts SET status = 'paid', stripe_transfer_id = $2, updated_at = now() WHERE id = $1 AND status = 'pending'`,
    payout.payoutId, transfer.id,
  );
  return { status: 'paid', stripeTransferId: transfer.id };
}


