import type Stripe from 'stripe';
import { z } from 'zod';
import type { Db, Tx } from '../../db/database.js';
import type { StripeEventHandler } from '../webhook/handler.js';
import { callStripe } from '../stripe-client.js';

export type OnboardingUrls = { returnUrl: string; refreshUrl: string };

/**
 * Connect onboarding for a claimed creator: their connected account (created
 * once: the create carries the key connect-account:<user id>, and the row is
 * kept), then a fresh Account Link to Stripe's hosted flow (links expire in
 * minutes, so one is made per click). The creator's data goes to Stripe only.
 */
export async function startOnboarding(db: Db, stripe: Stripe, userId: number, urls: OnboardingUrls): Promise<{ stripeAccountId: string; url: string }> {
  const [known] = await db.$queryRawUnsafe<{ stripe_account_id: string }[]>(`SELECT stripe_account_id FROM stripe_connected_accounts WHERE user_id = $1`, userId);
  let stripeAccountId = known?.stripe_account_id;
  if (!stripeAccountId) {
    const account = await callStripe(() => stripe.accounts.create(
      { type: 'express', metadata: { user_id: String(userId) } },
      { idempotencyKey: `connect-account:${userId}` },
    ));
    await db.$executeRawUnsafe(
      `INSERT INTO stripe_connected_accounts (user_id, stripe_account_id, charges_enabled, payouts_enabled, requirements_due)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO NOTHING`,
      userId, account.id, account.charges_enabled ?? false, account.payouts_enabled ?? false, account.requirements?.currently_due ?? [],
    );
    stripeAccountId = account.id;
  }
  const link = await callStripe(() => stripe.accountLinks.create({
    account: stripeAccountId, type: 'account_onboarding', return_url: urls.returnUrl, refresh_url: urls.refreshUrl,
  }));
  return { stripeAccountId, url: link.url };
}

/** The fields of a Stripe Account the hub follows (`account.updated`'s data.object). */
export const accountUpdateSchema = z.object({
  id: z.string().startsWith('acct_'),
  charges_enabled: z.boolean().optional().default(false),
  payouts_enabled: z.boolean().optional().default(false),
  requirements: z.object({ currently_due: z.array(z.string()).nullish() }).passthrough().nullish(),
}).passthrough();

/**
 * `account.updated`: whether the creator's account can receive payouts now,
 * and what Stripe still needs. An account the hub did not create is ignored.
 */
export async function applyAccountUpdated(db: Db | Tx, object: unknown): Promise<{ outcome: 'updated' | 'unknown_account' }> {
  const account = accountUpdateSchema.parse(object);
  const updated = await db.$executeRawUnsafe(
    `UPDATE stripe_connected_accounts SET charges_enabled = $2, payouts_enabled = $3, requirements_due = $4, updated_at = now() WHERE stripe_account_id = $1`,
    account.id, account.charges_enabled, account.payouts_enabled, account.requirements?.currently_due ?? [],
  );
  return { outcome: updated > 0 ? 'updated' : 'unknown_account' };
}

/** The webhook handler (src/payments/webhook/handlers.ts). */
export const accountUpdatedHandler: StripeEventHandler = {
  async handle(tx, event) {
    const { outcome } = await applyAccountUpdated(tx, event.data.object);
    return outcome === 'updated' ? 'connected account updated' : 'ignored: not a connected account of this hub';
  },
};
