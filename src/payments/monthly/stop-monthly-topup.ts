import type Stripe from 'stripe';
import type { Db } from '../../db/database.js';
import { callStripe, type RetryPolicy } from '../stripe-client.js';

export type MonthlyTopupStop = { wasOn: boolean; detached: boolean; detachError?: string };

/**
 * Turns a supporter's monthly top-up off: from now on no run charges them
 * (a charge already sent this period still credits when Stripe confirms it).
 * Then, best effort, the saved card is detached from their Stripe Customer
 * so it cannot be charged at all; the mandate is off on our side whatever
 * Stripe answers.
 */
export async function stopMonthlyTopup(db: Db, stripe: Stripe | undefined, userId: number, retry: RetryPolicy = { attempts: 2, baseDelayMs: 200, maxDelayMs: 400 }): Promise<MonthlyTopupStop> {
  const [row] = await db.$queryRawUnsafe<{ payment_method_id: string | null }[]>(
    `UPDATE monthly_topups SET status = 'off', turned_off_at = now(), updated_at = now() WHERE user_id = $1 AND status = 'active' RETURNING payment_method_id`, userId,
  );
  if (!row) return { wasOn: false, detached: false };
  const methodId = row.payment_method_id;
  if (!stripe || !methodId) return { wasOn: true, detached: false };
  try {
    await callStripe(() => stripe.paymentMethods.detach(methodId, {}, { timeout: 5_000 }), retry);
    return { wasOn: true, detached: true };
  } catch (error) {
    return { wasOn: true, detached: false, detachError: error instanceof Error ? error.message : String(error) };
  }
}
