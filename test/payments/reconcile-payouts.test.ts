import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/verify-ledger.js';
import { runPayouts } from '../../src/payments/payouts/run-payouts.js';
import { applyTransferReversedNow as applyTransferReversed } from '../../src/payments/payouts/transfer-reversed.js';
import { describeDifference } from '../../src/payments/reconcile/compare-movements.js';
import { reconcilePayments } from '../../src/payments/reconcile/reconcile-payments.js';
import { startFakeStripeConnect, type FakeStripeServer } from '../fakes/stripe/connect-server.js';
import { PERIOD, settings, settlePeriod, useSettleWorld } from '../settlement/support/settle-world.js';
import { connectCreator, PAYOUT_WORLD, payoutRows } from './payouts-support.js';

const FAST = { attempts: 4, baseDelayMs: 1 };

describe('payments reconcile: the ledger\'s Stripe movements against Stripe\'s balance transactions', () => {
  const { db, world } = useSettleWorld(PAYOUT_WORLD);
  let stripe: FakeStripeServer;
  const since = new Date(Date.now() - 3600_000);
  beforeEach(async () => {
    stripe = await startFakeStripeConnect();
    await settlePeriod(db(), PERIOD, settings());
    const [r0, r1] = world().creatorIds as [number, number];
    await connectCreator(db(), stripe, r0);
    await connectCreator(db(), stripe, r1);
    await runPayouts(db(), stripe.client(), { minimum: '10.00', backoff: FAST });
    // One payout came back: its reversal is a movement on both sides too.
    const [first] = await payoutRows(db());
    await applyTransferReversed(db(), stripe.fake.reverseTransfer(first!.stripe_transfer_id!));
    // Movements reconciliation does not follow (Stripe's own fees), on more than one page of 100.
    for (let i = 0; i < 150; i++) stripe.fake.addBalanceTransaction({ amount: -3, currency: 'eur', type: 'stripe_fee', source: null });
  });
  afterEach(async () => {
    expect(await verifyLedger(db())).toMatchObject({ ok: true });
    await stripe.close();
  });

  it('finds nothing to report when both sides agree, reading every page', async () => {
    const result = await reconcilePayments(db(), stripe.client(), since);
    expect(result).toMatchObject({ ledgerMovements: 3, stripeMovements: 3, differences: [] });
    expect(stripe.fake.requests.filter((r) => r.path === '/v1/balance_transactions').length).toBeGreaterThanOrEqual(2);
  });

  it('lists every planted difference missing on either side', async () => {
    // Stripe moved money the ledger never heard of.
    const stray = stripe.fake.addBalanceTransaction({ amount: -777, currency: 'eur', type: 'transfer', source: 'tr_stray' });
    // The ledger names a transfer Stripe does not know; and so Stripe's real one is unknown to the ledger.
    const [, second] = await payoutRows(db());
    await db().$executeRawUnsafe(`UPDATE payouts SET stripe_transfer_id = 'tr_ghost' WHERE stripe_transfer_id = $1`, second!.stripe_transfer_id);

    const result = await reconcilePayments(db(), stripe.client(), since);
    const kinds = result.differences.map((d) => d.kind).sort();
    expect(kinds).toEqual(['missing_in_ledger', 'missing_in_ledger', 'missing_in_stripe']);
    const lines = result.differences.map(describeDifference);
    expect(lines.some((l) => l.includes(stray.id) && l.includes('-777 EUR'))).toBe(true);
    expect(lines.some((l) => l.startsWith('missing at Stripe') && l.includes('tr_ghost'))).toBe(true);
  });

  it('names an amount or currency that differs between the two', async () => {
    const [first, second] = await payoutRows(db());
    stripe.fake.balanceTransactions.find((t) => t.source === second!.stripe_transfer_id)!.amount = -3100;
    stripe.fake.balanceTransactions.find((t) => t.source === first!.stripe_transfer_id)!.currency = 'usd';
    const result = await reconcilePayments(db(), stripe.client(), since);
    expect(result.differences.map((d) => d.kind).sort()).toEqual(['amount_mismatch', 'currency_mismatch']);
    expect(result.differences.map(describeDifference).find((l) => l.startsWith('amount'))).toMatch(/-3150 EUR in the ledger, -3100 EUR at Stripe/);
  });
});
