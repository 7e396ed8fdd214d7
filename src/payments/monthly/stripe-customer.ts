import type Stripe from 'stripe';
import type { Db } from '../../db/database.js';
import { callStripe, DEFAULT_RETRY, type RetryPolicy } from '../stripe-client.js';

/**
 * The supporter's Stripe Customer, which a saved card belongs to: the one on
 * record, or a new one created under the key customer:<user id> (so two
 * requests at once, or a crash before it was recorded, make one customer
 * while Stripe keeps the key) and recorded.
 */
export async function ensureStripeCustomer(db: Db, stripe: Stripe, userId: number, retry: RetryPolicy = DEFAULT_RETRY): Promise<string> {
  const known = await customerOf(db, userId);
  if (known) return known;
  const customer = await callStripe(() => stripe.customers.create(
    { metadata: { flattr_user_id: String(userId) }, description: `flattr-hub supporter ${userId}` },
    { idempotencyKey: `customer:${userId}` },
  ), retry);
  await db.$executeRawUnsafe(
    `INSERT INTO stripe_customers (user_id, stripe_customer_id) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING`, userId, customer.id,
  );
  return (await customerOf(db, userId))!;
}

/** The recorded Stripe Customer of a supporter, if any. */
export async function customerOf(db: Pick<Db, '$queryRawUnsafe'>, userId: number): Promise<string | undefined> {
  const [row] = await db.$queryRawUnsafe<{ stripe_customer_id: string }[]>(`SELECT stripe_customer_id FROM stripe_customers WHERE user_id = $1`, userId);
  return row?.stripe_customer_id;
}
