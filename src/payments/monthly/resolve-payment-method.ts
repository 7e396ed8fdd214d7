import type Stripe from 'stripe';
import type { Db } from '../../db/database.js';
import { callStripe, type RetryPolicy } from '../stripe-client.js';

/** Short: this may run before a webhook is answered, and the monthly run asks again when it needs the card. */
const QUICK: RetryPolicy = { attempts: 2, baseDelayMs: 200, maxDelayMs: 400 };

/**
 * The card of an active monthly top-up. A setup-mode Checkout Session names
 * only its SetupIntent (https://docs.stripe.com/payments/save-and-reuse?platform=checkout#retrieve-checkout-session),
 * so the payment method is read from it once, after the webhook committed,
 * and kept with what the wallet page shows of it. Undefined while there is
 * none (no active mandate, or a SetupIntent that did not succeed).
 */
export async function resolvePaymentMethod(db: Db, stripe: Stripe, userId: number, retry: RetryPolicy = QUICK): Promise<string | undefined> {
  const [row] = await db.$queryRawUnsafe<{ setup_intent_id: string | null; payment_method_id: string | null }[]>(
    `SELECT setup_intent_id, payment_method_id FROM monthly_topups WHERE user_id = $1 AND status = 'active'`, userId,
  );
  if (!row) return undefined;
  if (row.payment_method_id) return row.payment_method_id;
  const setupIntentId = row.setup_intent_id;
  if (!setupIntentId) return undefined;
  const intent = await callStripe(() => stripe.setupIntents.retrieve(setupIntentId, { expand: ['payment_method'] }, { timeout: 5_000 }), retry);
  const method = intent.payment_method;
  if (intent.status !== 'succeeded' || !method) return undefined;
  const methodId = typeof method === 'string' ? method : method.id;
  const card = typeof method !== 'string' && method.card ? `${method.card.brand} ${method.card.last4}` : null;
  await db.$executeRawUnsafe(
    `UPDATE monthly_topups SET payment_method_id = $2, card = $3, updated_at = now() WHERE user_id = $1 AND setup_intent_id = $4 AND status = 'active'`,
    userId, methodId, card, setupIntentId,
  );
  return methodId;
}
