import type { Db } from '../../src/db/database.js';
import { applyAccountUpdated, startOnboarding } from '../../src/payments/payouts/connect-account.js';
import type { FakeStripeServer } from '../fakes/stripe/connect-server.js';
import type { WorldSpec } from '../settlement/support/settle-world.js';

/**
 * A settled October: two supporters in EUR flattr three claimed creators.
 * S0 (50.00): R0 and R1 get 22.50 each; S1 (30.00): R0, R1 and R2 get 9.00
 * each. After the 10% fee: R0 and R1 hold 31.50, R2 holds 9.00 (below the
 * 10.00 minimum).
 */
export const PAYOUT_WORLD: WorldSpec = {
  recipients: [{ claimed: true }, { claimed: true }, { claimed: true }],
  supporters: [
    { currency: 'EUR', budget: 5000n, wallet: 5000n, flattrs: [{ recipient: 0, active: true }, { recipient: 1, active: true }] },
    { currency: 'EUR', budget: 3000n, wallet: 3000n, flattrs: [{ recipient: 0, active: true }, { recipient: 1, active: true }, { recipient: 2, active: true }] },
  ],
};

/** Onboarding through the hub, finished at the fake Stripe, and its account.updated applied. */
export async function connectCreator(db: Db, stripe: FakeStripeServer, userId: number, ready = true): Promise<string> {
  const { stripeAccountId } = await startOnboarding(db, stripe.client(), userId, { returnUrl: 'http://hub.test/earnings', refreshUrl: 'http://hub.test/earnings?connect=retry' });
  await applyAccountUpdated(db, stripe.fake.completeOnboarding(stripeAccountId, ready));
  return stripeAccountId;
}

export async function creatorBalance(db: Db, userId: number, currency = 'EUR'): Promise<bigint> {
  const [row] = await db.$queryRawUnsafe<{ b: bigint }[]>(
    `SELECT coalesce(sum(e.amount), 0)::int8 AS b FROM accounts a JOIN entries e ON e.account_id = a.id WHERE a.kind = 'creator' AND a.user_id = $1 AND a.currency = $2`,
    userId, currency,
  );
  return row!.b;
}

export async function payoutRows(db: Db) {
  return db.$queryRawUnsafe<{ user_id: number; amount: bigint; status: string; stripe_transfer_id: string | null; reason: string | null; sequence: number }[]>(
    `SELECT user_id, amount, status, stripe_transfer_id, reason, sequence FROM payouts ORDER BY id`,
  );
}
