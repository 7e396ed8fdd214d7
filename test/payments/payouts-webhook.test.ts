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
 * transfer is reversed in parts (transfer.reversed, redelivered, late), and the ledger
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

  it('transfer.reversed in parts, each delivered twice or late, gives back exactly each new part, once, and still reconciles', async () => {
    const [payout] = await payoutRows(w.db);
    const transferId = payout!.stripe_transfer_id!;
    const outcomeOf = async (event: object) => {
      const res = await w.webhooks.deliver(event);
      expect(res.status).toBe(200);
      return (JSON.parse(res.body) as { outcome: string }).outcome;
    };
    // Stripe reverses 10.00 of the 31.50: that part, and only once.
    const first = w.fake.event('transfer.reversed', connect.reverseTransfer(transferId, 1000));
    expect(await outcomeOf(first)).toBe('1000 of the payout returned to the creator balance (a partial reversal)');
    expect(await outcomeOf(first)).toBe('already processed');
    expect(await creatorBalance(w.db, creator)).toBe(1000n);
    expect((await payoutRows(w.db))[0]).toMatchObject({ status: 'paid', reason: `transfer ${transferId} partly reversed by Stripe (1000 of 3150)` });
    expect(await reconcile()).toEqual([]);

    // A second partial reversal later: its 1.50 only; the same news again under another event id returns nothing.
    const second = connect.reverseTransfer(transferId, 150);
    expect(await outcomeOf(w.fake.event('transfer.reversed', second))).toBe('150 of the payout returned to the creator balance (a partial reversal)');
    expect(await outcomeOf(w.fake.event('transfer.reversed', second))).toBe('ignored: already returned');
    expect(await creatorBalance(w.db, creator)).toBe(1150n);

    // The rest, and then the first event arriving very late: the payout is returned whole, nothing more.
    expect(await outcomeOf(w.fake.event('transfer.reversed', connect.reverseTransfer(transferId)))).toBe('payout returned to the creator balance (2000 now)');
    expect(await outcomeOf(w.fake.event('transfer.reversed', first.data.object))).toBe('ignored: already returned');
    expect(await creatorBalance(w.db, creator)).toBe(3150n);
    expect((await payoutRows(w.db))[0]).toMatchObject({ status: 'returned', reason: `transfer ${transferId} reversed by Stripe` });
    const parts = await w.db.$queryRawUnsafe<{ amount: bigint; reversals: number }[]>(
      `SELECT amount, cardinality(stripe_reversal_ids) AS reversals FROM payout_reversals ORDER BY created_at, id`);
    expect(parts).toEqual([{ amount: 1000n, reversals: 1 }, { amount: 150n, reversals: 1 }, { amount: 2000n, reversals: 1 }]);
    await w.expectLedgerOk();
    // Each part paired with its reversal's balance transaction at Stripe.
    expect(await reconcile()).toEqual([]);
    // A stray transfer at Stripe is found.
    w.fake.addBalanceTransaction({ amount: -999, currency: 'eur', type: 'transfer', source: 'tr_unknown' });
    expect(await reconcile()).toEqual([expect.stringContaining('missing in the ledger: Stripe transfer')]);
  });
});
