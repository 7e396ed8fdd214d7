import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeDifference } from '../../src/payments/reconcile/compare-movements.js';
import { reconcilePayments } from '../../src/payments/reconcile/reconcile-payments.js';
import { createPaymentsWorld, type PaymentsWorld } from './support/payments-world.js';

const sessionOf = (url: string) => url.split('/').pop()!;

/**
 * Refunds and lost disputes of top-ups in `flattr payments reconcile`: each
 * reversal keeps the balance transactions it moved at Stripe (a refund's,
 * a dispute's), and reconciliation compares them both ways.
 */
describe('payments reconcile: refunds and disputes', { timeout: 60_000 }, () => {
  let w: PaymentsWorld;
  const since = new Date(Date.now() - 3600_000);
  const reconcile = async () => (await reconcilePayments(w.db, w.stripe, since)).differences;
  const reversals = () => w.db.$queryRawUnsafe<{ id: string; ids: string[] }[]>(`SELECT id, balance_transaction_ids AS ids FROM topup_reversals ORDER BY created_at, id`);

  beforeAll(async () => { w = await createPaymentsWorld(); });
  afterAll(async () => { await w?.close(); });
  afterEach(async () => { await w.expectLedgerOk(); });

  it('keeps each reversal\'s balance transactions (two refunds told in one event, a lost dispute) and finds nothing to report', async () => {
    const ana = await w.supporter('T1:UANA');
    const topup = await w.topup(ana, '50');
    await w.webhooks.deliver(w.pay(topup.url));
    const charge = w.fake.chargeOf(sessionOf(topup.url));
    // Two refunds; the second's event (which counts both) arrives first, the first's after it and takes nothing.
    const early = w.fake.refundCharge(charge.id, 1000);
    const late = w.fake.refundCharge(charge.id, 500);
    await w.webhooks.deliver(late);
    await w.webhooks.deliver(early);
    const refundTxns = [...w.fake.refunds.values()].map((r) => r.balance_transaction as string);
    expect(await reversals()).toEqual([{ id: `refund:${charge.id}:1500`, ids: refundTxns }]);

    const bo = await w.supporter('T1:UBO');
    const other = await w.topup(bo, '20');
    await w.webhooks.deliver(w.pay(other.url));
    const { closed, dispute } = w.fake.loseDispute(w.fake.chargeOf(sessionOf(other.url)).id);
    await w.webhooks.deliver(closed);
    expect((await reversals())[1]).toEqual({ id: `dispute:${dispute.id}`, ids: [dispute.balance_transactions[0].id] });

    expect(await reconcile()).toEqual([]);
  });

  it('lists a refund Stripe made that the ledger never took back, a reversal Stripe does not know, and an amount that differs', async () => {
    const stray = w.fake.addBalanceTransaction({ amount: -700, currency: 'eur', type: 'refund', source: 're_test_stray' });
    const [refund, dispute] = await reversals();
    const disputeTxn = w.fake.balanceTransactions.find((t) => t.id === dispute!.ids[0])!;
    disputeTxn.amount = -1900;
    await w.db.$executeRawUnsafe(`UPDATE topup_reversals SET balance_transaction_ids = '{txn_test_ghost}' WHERE id = $1`, refund!.id);

    const differences = await reconcile();
    const lines = differences.map(describeDifference);
    expect(differences.map((d) => d.kind).sort()).toEqual(['amount_mismatch', 'missing_in_ledger', 'missing_in_ledger', 'missing_in_ledger', 'missing_in_stripe']);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^missing at Stripe: refund of top-up \\d+ \\(${refund!.id}\\) -1500 EUR \\(txn_test_ghost\\)$`)));
    expect(lines.some((l) => l.startsWith('missing in the ledger: Stripe refund') && l.includes(stray.id) && l.includes('-700 EUR'))).toBe(true);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^amount differs: lost dispute of top-up \\d+ \\(${dispute!.id}\\) is -2000 EUR in the ledger, -1900 EUR at Stripe \\(${disputeTxn.id}\\)$`)));

    // Put back as Stripe and the ledger had them (the stray stays: it is Stripe's).
    disputeTxn.amount = -2000;
    await w.db.$executeRawUnsafe(`UPDATE topup_reversals SET balance_transaction_ids = $2 WHERE id = $1`, refund!.id, refund!.ids);
    w.fake.balanceTransactions.splice(w.fake.balanceTransactions.indexOf(stray), 1);
    expect(await reconcile()).toEqual([]);
  });

  it('asks Stripe again for balance transactions a webhook could not look up; an open dispute is at Stripe only until it is lost, one won nets to nothing', async () => {
    const cy = await w.supporter('T1:UCY');
    const topup = await w.topup(cy, '10');
    await w.webhooks.deliver(w.pay(topup.url));
    const charge = w.fake.chargeOf(sessionOf(topup.url));
    // Stripe failing while the refund is looked up: the refund stands, its reference waits.
    w.fake.failNext({ status: 500, times: 2, method: 'GET', path: /^\/v1\/refunds$/ });
    expect((await w.webhooks.deliver(w.fake.refundCharge(charge.id, 300))).status).toBe(200);
    expect((await reversals()).at(-1)).toMatchObject({ id: `refund:${charge.id}:300`, ids: [] });
    expect(await reconcile()).toEqual([]);
    expect((await reversals()).at(-1)!.ids).toEqual([[...w.fake.refunds.values()].at(-1)!.balance_transaction]);

    // A dispute opened: Stripe withdrew the money, the hub waits for its outcome.
    const { dispute } = w.fake.loseDispute(charge.id, 700);
    const withdrawal = dispute.balance_transactions[0];
    expect((await reconcile()).map(describeDifference)).toEqual([expect.stringContaining(`missing in the ledger: Stripe adjustment ${withdrawal.id} (${dispute.id}) -700 EUR`)]);
    // Won: Stripe reinstates it, and the two net to nothing.
    w.fake.addBalanceTransaction({ amount: 700, currency: 'eur', type: 'adjustment', reportingCategory: 'dispute_reversal', source: dispute.id });
    expect(await reconcile()).toEqual([]);
  });
});
