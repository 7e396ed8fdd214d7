import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOnboarding } from '../../src/payments/payouts/connect-account.js';
import { runPayouts } from '../../src/payments/payouts/run-payouts.js';
import { describeDifference } from '../../src/payments/reconcile/compare-movements.js';
import { reconcilePayments } from '../../src/payments/reconcile/reconcile-payments.js';
import { FakeStripeConnect } from '../fakes/stripe/connect-routes.js';
import { createPaymentsWorld, TEST_RETRY, type PaymentsWorld } from './support/payments-world.js';
import { creatorBalance, payoutRows } from './payouts-support.js';

/**
 * The whole way round on the shared fake Stripe: a supporter tops up through
 * Checkout, a creator is flattred and the month settled, the creator connects
 * (account.updated, signed, through POST /stripe/webhook), is paid, the
 * transfer is reversed (transfer.reversed, delivered twice), and the ledger
 * reconciles with Stripe's balance transactions at every step.
 */
describe('payouts through the Stripe webhook and the shared fake', { timeout: 60_000 }, () => {
  let w: PaymentsWorld;
  let connect: FakeStripeConnect;
  let creator: number;
  let account: string;
  const since = new Date('2026-11-01T00:00:00Z');
  const reconcile = async () => (await reconcilePayments(w.db, w.stripe, since)).differences.map(describeDifference);

  beforeAll(async () => {
    w = await createPaymentsWorld();
    connect = new FakeStripeConnect({ addBalanceTransaction: (t) => w.fake.addBalanceTransaction(t) as { id: string } });
    for (const route of connect.sharedRoutes()) w.fake.addRoute(route);
    const supporter = await w.supporter('T1:USUP', 'EUR', '35.00');
    creator = await w.supporter('T1:UCREATOR', 'EUR', '0');
    const topup = await w.topup(supporter, '50.00');
    expect((await w.webhooks.deliver(w.pay(topup.url!))).status).toBe(200);
    expect(await w.like('T1:USUP')).toMatchObject({ kind: 'accepted' });
    w.clock.now = new Date('2026-12-02T00:00:00Z');
    await w.settle('2026-11');
  });
  afterAll(async () => {
    await w?.expectLedgerOk();
    await w?.close();
  });

  it('account.updated (signed, delivered through the webhook) makes the connected account ready; the payout follows', async () => {
    expect(await creatorBalance(w.db, creator)).toBe(3150n);
    ({ stripeAccountId: account } = await startOnboarding(w.db, w.stripe, creator, { returnUrl: 'http://hub.test/earnings', refreshUrl: 'http://hub.test/earnings' }));
    const skipped = await runPayouts(w.db, w.stripe, { minimum: '10.00', backoff: TEST_RETRY });
    expect(skipped.planned).toMatchObject([{ action: 'skip', reason: 'payouts_not_enabled' }]);

    const res = await w.webhooks.deliver(w.fake.event('account.updated', connect.completeOnboarding(account)));
    expect(res.status).toBe(200);
    const paid = await runPayouts(w.db, w.stripe, { minimum: '10.00', backoff: TEST_RETRY });
    expect(paid.planned).toMatchObject([{ action: 'pay', amount: 3150n, outcome: { status: 'paid' } }]);
    expect(await creatorBalance(w.db, creator)).toBe(0n);
    // The top-up and the payout, each found at Stripe.
    expect(await reconcile()).toEqual([]);
  });

  it('transfer.reversed, delivered twice, gives the money back once, and still reconciles', async () => {
    const [payout] = await payoutRows(w.db);
    const event = w.fake.event('transfer.reversed', connect.reverseTransfer(payout!.stripe_transfer_id!));
    expect((await w.webhooks.deliver(event)).status).toBe(200);
    expect((await w.webhooks.deliver(event)).status).toBe(200);
    expect(await creatorBalance(w.db, creator)).toBe(3150n);
    expect((await payoutRows(w.db))[0]).toMatchObject({ status: 'returned', reason: `transfer ${payout!.stripe_transfer_id} reversed by Stripe` });
    expect(await reconcile()).toEqual([]);
    // A stray transfer at Stripe is found.
    w.fake.addBalanceTransaction({ amount: -999, currency: 'eur', type: 'transfer', source: 'tr_unknown' });
    expect(await reconcile()).toEqual([expect.stringContaining('missing in the ledger: Stripe transfer')]);
  });
});
