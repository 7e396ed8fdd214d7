import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runMonthlyTopups, type MonthlyRunResult } from '../../src/payments/monthly/run-monthly-topups.js';
import { SettlementPendingError } from '../../src/payments/monthly/settlement-pending-error.js';
import { startMonthlyTopup } from '../../src/payments/monthly/start-monthly-topup.js';
import { stopMonthlyTopup } from '../../src/payments/monthly/stop-monthly-topup.js';
import { loadTopups } from '../../src/payments/topups/load-topups.js';
import { reconcilePayments } from '../../src/payments/reconcile/reconcile-payments.js';
import { setSupporter } from '../../src/supporters/set-supporter.js';
import { creditWallet } from '../../src/wallet/credit-wallet.js';
import type { FakeCardBehaviour } from '../fakes/stripe/saved-cards.js';
import { fakeCardFee, type StripeObject } from '../fakes/stripe/server.js';
import { createPaymentsWorld, TEST_RETRY, type PaymentsWorld } from './support/payments-world.js';

/** An explicit period and run time: nothing here depends on today's date. */
const PERIOD = '2031-03';
const NOW = new Date('2031-03-01T06:00:00Z');

describe('monthly top-ups: a saved card charged the budget once per period', { timeout: 60_000 }, () => {
  let w: PaymentsWorld;
  beforeAll(async () => { w = await createPaymentsWorld(); });
  afterAll(async () => { await w?.close(); });
  afterEach(async () => { await w.expectLedgerOk(); });

  /** The supporter saves a card on Stripe's setup page; the completed event is delivered. */
  async function saveCard(userId: number, card: FakeCardBehaviour = 'ok'): Promise<StripeObject> {
    const { url } = await startMonthlyTopup(w.db, w.stripe, { userId, requestKey: `test:${randomUUID()}`, publicUrl: 'http://hub.test', retry: TEST_RETRY });
    const completed = w.fake.completeSetupSession(url.split('/').pop()!, { card });
    expect((await w.webhooks.deliver(completed)).status).toBe(200);
    return completed;
  }
  const run = (o: { dryRun?: boolean; period?: string; attempts?: number } = {}) =>
    runMonthlyTopups(w.db, w.stripe, { period: o.period ?? PERIOD, now: NOW, dryRun: o.dryRun, retry: { ...TEST_RETRY, attempts: o.attempts ?? TEST_RETRY.attempts } });
  const of = (result: MonthlyRunResult, userId: number) => result.planned.find((p) => p.userId === userId);
  const intentCalls = (userId: number) => w.fake.requestsTo('POST', /^\/v1\/payment_intents$/).filter((r) => r.params.metadata?.flattr_user_id === String(userId));
  const intentsAt = (userId: number) => [...w.fake.paymentIntents.values()].filter((pi) => pi.metadata?.flattr_user_id === String(userId));
  const chargeRow = async (userId: number, period = PERIOD) => (await w.db.$queryRawUnsafe<{ id: bigint; status: string; failure_reason: string | null; amount: bigint; payment_intent_id: string | null; stripe_fee: bigint | null; balance_transaction_id: string | null }[]>(
    `SELECT id, status, failure_reason, amount, payment_intent_id, stripe_fee, balance_transaction_id FROM topup_sessions WHERE user_id = $1 AND monthly_period = $2`, userId, period,
  ))[0];
  const deliverAbout = async (intentId: string, type: string) => {
    const [event] = w.fake.eventsAbout(intentId, type);
    expect(event, `${type} of ${intentId}`).toBeDefined();
    const res = await w.webhooks.deliver(event!);
    expect(res.status).toBe(200);
    return JSON.parse(res.body).outcome as string;
  };

  it('saves the card from a setup session, charges the budget once under auto-topup:<user>:<period>, and credits it once when Stripe confirms', async () => {
    const userId = await w.supporter('T1:UMONTHLY', 'EUR', '35.00');
    await saveCard(userId);
    const [setup] = w.fake.requestsTo('POST', /^\/v1\/checkout\/sessions$/).filter((r) => r.params.client_reference_id === String(userId));
    expect(setup!.params).toMatchObject({ mode: 'setup', currency: 'eur', success_url: 'http://hub.test/wallet?monthly=on' });
    const customer = w.fake.customers.get(setup!.params.customer)!;
    expect(customer.metadata).toEqual({ flattr_user_id: String(userId) });
    const [mandate] = await w.db.$queryRawUnsafe<{ status: string; payment_method_id: string; card: string; stripe_customer_id: string }[]>(
      `SELECT status, payment_method_id, card, stripe_customer_id FROM monthly_topups WHERE user_id = $1`, userId,
    );
    expect(mandate).toMatchObject({ status: 'active', card: 'visa 4242', stripe_customer_id: customer.id });
    expect(w.fake.paymentMethods.get(mandate!.payment_method_id)!.customer).toBe(customer.id);

    const dry = await run({ dryRun: true });
    expect(of(dry, userId)).toMatchObject({ action: 'charge', amount: 3500n, idempotencyKey: `auto-topup:${userId}:${PERIOD}` });
    expect(intentCalls(userId)).toEqual([]);
    expect(await chargeRow(userId)).toBeUndefined();

    const first = await run();
    expect(of(first, userId)).toMatchObject({ action: 'charge', amount: 3500n, outcome: { status: 'charged' } });
    const [call] = intentCalls(userId);
    expect(call!.idempotencyKey).toBe(`auto-topup:${userId}:${PERIOD}`);
    expect(call!.params).toMatchObject({ amount: '3500', currency: 'eur', customer: customer.id, payment_method: mandate!.payment_method_id, confirm: 'true', off_session: 'true', automatic_payment_methods: { enabled: 'true', allow_redirects: 'never' } });
    // Charged at Stripe, not yet credited: only the webhook credits.
    expect(await w.balance(userId)).toBe(0n);

    expect(of(await run(), userId)).toMatchObject({ action: 'skip', reason: 'awaiting_stripe' });
    const intentId = (await chargeRow(userId))!.payment_intent_id!;
    expect(await deliverAbout(intentId, 'payment_intent.succeeded')).toMatch(/^credited 3500 EUR to the wallet \(monthly top-up \d+\)$/);
    expect(await deliverAbout(intentId, 'payment_intent.succeeded')).toBe('already processed');
    // The same payment announced again in another event: still once.
    const again = await w.webhooks.deliver(w.fake.event('payment_intent.succeeded', w.fake.paymentIntents.get(intentId)!));
    expect(JSON.parse(again.body).outcome).toMatch(/^already credited by transfer \d+$/);
    expect(await w.balance(userId)).toBe(3500n);

    expect(of(await run(), userId)).toMatchObject({ action: 'skip', reason: 'already_charged' });
    expect(intentCalls(userId)).toHaveLength(1);
    // The fee is recorded and the charge is matched by reconciliation like any top-up.
    const row = (await chargeRow(userId))!;
    expect(row).toMatchObject({ status: 'paid', stripe_fee: BigInt(fakeCardFee(3500)) });
    const reconciled = await reconcilePayments(w.db, w.stripe, new Date(Date.now() - 3600_000));
    expect(reconciled.differences).toEqual([]);
    expect(reconciled.stripeMovements).toBeGreaterThan(0);
  });

  it('a run that lost Stripe\'s answer (a crash mid-call) is sent again under the same key: one payment, credited once', async () => {
    const userId = await w.supporter('T1:UMONCRASH', 'EUR', '20.00');
    await saveCard(userId);
    // Stripe makes the payment and the answer is lost (a 503 after the work); with one attempt the run gives up as a killed one would.
    w.fake.failNext({ status: 503, method: 'POST', path: /^\/v1\/payment_intents$/, after: true });
    expect(of(await run({ attempts: 1 }), userId)).toMatchObject({ outcome: { status: 'pending' } });
    expect(intentsAt(userId)).toHaveLength(1);
    expect(await chargeRow(userId)).toMatchObject({ status: 'open', payment_intent_id: null });

    const rerun = await run();
    expect(of(rerun, userId)).toMatchObject({ action: 'charge', resume: expect.any(BigInt), outcome: { status: 'charged', paymentIntentId: intentsAt(userId)[0]!.id } });
    expect(intentCalls(userId).map((r) => r.idempotencyKey)).toEqual([`auto-topup:${userId}:${PERIOD}`, `auto-topup:${userId}:${PERIOD}`]);
    expect(intentsAt(userId)).toHaveLength(1);
    await deliverAbout(intentsAt(userId)[0]!.id, 'payment_intent.succeeded');
    expect(await w.balance(userId)).toBe(2000n);
  });

  it.each([
    ['insufficient_funds', 'card_declined/insufficient_funds: Your card has insufficient funds.'],
    ['authentication_required', 'authentication_required: Your card was declined. This transaction requires authentication.'],
  ] as const)('a card failing with %s: the charge is failed with Stripe\'s reason, nothing credited, not retried', async (behaviour, reason) => {
    const userId = await w.supporter(`T1:UMONFAIL${behaviour}`, 'EUR', '15.00');
    await saveCard(userId, behaviour);
    expect(of(await run(), userId)).toMatchObject({ outcome: { status: 'failed', reason } });
    expect(await chargeRow(userId)).toMatchObject({ status: 'failed', failure_reason: reason });
    // What GET /api/v1/topups lists: the period it was for, and why it failed.
    expect(await loadTopups(w.db, userId, 10)).toMatchObject([{ status: 'failed', monthlyPeriod: PERIOD, failureReason: reason, checkoutUrl: null, amount: { minor: 1500n, currency: 'EUR' } }]);
    const intentId = intentsAt(userId)[0]!.id;
    expect(await deliverAbout(intentId, 'payment_intent.payment_failed')).toMatch(/^ignored: monthly top-up \d+ is failed$/);
    expect(await w.balance(userId)).toBe(0n);
    expect(of(await run(), userId)).toMatchObject({ action: 'skip', reason: 'charge_failed' });
    expect(intentCalls(userId)).toHaveLength(1);
  });

  it('a failure Stripe reports only by webhook fails the charge too', async () => {
    const userId = await w.supporter('T1:UMONLATEFAIL', 'EUR', '12.00');
    await saveCard(userId);
    await run();
    const intent = intentsAt(userId)[0]!;
    // Not credited yet, then Stripe reports the payment failed (a bank debit that bounced, say).
    const failed = { ...intent, status: 'requires_payment_method', last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' } };
    const res = await w.webhooks.deliver(w.fake.event('payment_intent.payment_failed', failed));
    expect(JSON.parse(res.body).outcome).toMatch(/^failed: card_declined\/generic_decline: Your card was declined\./);
    expect(await chargeRow(userId)).toMatchObject({ status: 'failed' });
  });

  it('skips, with the reason, a budget of 0, a wallet holding the budget, a wallet in another currency, an inactive supporter', async () => {
    const zero = await w.supporter('T1:UMONZERO', 'EUR', '10.00');
    const full = await w.supporter('T1:UMONFULL', 'EUR', '10.00');
    const moved = await w.supporter('T1:UMONUSD', 'EUR', '10.00');
    const paused = await w.supporter('T1:UMONPAUSED', 'EUR', '10.00');
    for (const userId of [zero, full, moved, paused]) await saveCard(userId);
    await setSupporter(w.db, { platform: 'slack', externalId: 'T1:UMONZERO', budget: '0' });
    await creditWallet(w.db, { platform: 'slack', externalId: 'T1:UMONFULL', amount: '10.00' });
    await setSupporter(w.db, { platform: 'slack', externalId: 'T1:UMONUSD', currency: 'USD', budget: '10.00' });
    await setSupporter(w.db, { platform: 'slack', externalId: 'T1:UMONPAUSED', active: false });
    const result = await run();
    expect(of(result, zero)).toMatchObject({ action: 'skip', reason: 'no_budget' });
    expect(of(result, full)).toMatchObject({ action: 'skip', reason: 'wallet_holds_budget' });
    expect(of(result, moved)).toMatchObject({ action: 'skip', reason: 'other_currency', detail: expect.stringContaining('saved for EUR, the wallet is in USD') });
    expect(of(result, paused)).toMatchObject({ action: 'skip', reason: 'inactive' });
    for (const userId of [zero, full, moved, paused]) expect(intentCalls(userId)).toEqual([]);
  });

  it('waits for the previous period\'s settlement: a month with flattrs and no run refuses the charge run (a dry run still plans)', async () => {
    const userId = await w.supporter('T1:UMONWAIT', 'EUR', '10.00');
    await saveCard(userId);
    expect(await w.like('T1:UMONWAIT')).toEqual({ kind: 'accepted' });
    const period = '2026-12'; // the world's likes are in 2026-11, its previous period
    await expect(run({ period })).rejects.toBeInstanceOf(SettlementPendingError);
    expect(of(await run({ period, dryRun: true }), userId)).toMatchObject({ action: 'charge' });
    expect(intentCalls(userId)).toEqual([]);
  });

  it('turned off: the card is detached at Stripe and the next run charges nothing; a setup begun before does not turn it back on', async () => {
    const userId = await w.supporter('T1:UMONOFF', 'EUR', '10.00');
    const { url } = await startMonthlyTopup(w.db, w.stripe, { userId, requestKey: `test:${randomUUID()}`, publicUrl: 'http://hub.test', retry: TEST_RETRY });
    await saveCard(userId);
    const [mandate] = await w.db.$queryRawUnsafe<{ payment_method_id: string }[]>(`SELECT payment_method_id FROM monthly_topups WHERE user_id = $1`, userId);
    // The stop must come a second after the older session began: Stripe's times are whole seconds.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await stopMonthlyTopup(w.db, w.stripe, userId)).toEqual({ wasOn: true, detached: true });
    expect(w.fake.paymentMethods.get(mandate!.payment_method_id)!.customer).toBeNull();
    expect(of(await run({ period: '2031-04' }), userId)).toBeUndefined();

    const late = w.fake.completeSetupSession(url.split('/').pop()!);
    expect(JSON.parse((await w.webhooks.deliver(late)).body).outcome).toMatch(/^ignored: user \d+ turned the monthly top-up off after setup session/);
    expect(of(await run({ period: '2031-04' }), userId)).toBeUndefined();
    expect(intentCalls(userId)).toEqual([]);
  });

  it('a refund of a monthly charge takes the money back through the top-ups\' reversal path', async () => {
    const userId = await w.supporter('T1:UMONREFUND', 'EUR', '25.00');
    await saveCard(userId);
    await run();
    const intent = intentsAt(userId)[0]!;
    // Refunded before the credit arrived: it waits (500) and is taken back once the credit is in.
    const refunded = w.fake.refundCharge(intent.latest_charge);
    expect((await w.webhooks.deliver(refunded)).status).toBe(500);
    await deliverAbout(intent.id, 'payment_intent.succeeded');
    expect(JSON.parse((await w.webhooks.deliver(refunded)).body).outcome).toMatch(/^refund: 2500 EUR from the wallet \(top-up \d+\)$/);
    expect(await w.balance(userId)).toBe(0n);
  });

  it('a lost dispute of a monthly charge takes it back from the wallet, once', async () => {
    const userId = await w.supporter('T1:UMONDISPUTE', 'EUR', '10.00');
    await saveCard(userId);
    await run();
    const intent = intentsAt(userId)[0]!;
    await deliverAbout(intent.id, 'payment_intent.succeeded');
    await creditWallet(w.db, { platform: 'slack', externalId: 'T1:UMONDISPUTE', amount: '2.00' });
    const { closed } = w.fake.loseDispute(intent.latest_charge);
    expect(JSON.parse((await w.webhooks.deliver(closed)).body).outcome).toMatch(/^dispute: 1000 EUR from the wallet \(top-up \d+\)$/);
    expect(JSON.parse((await w.webhooks.deliver(closed)).body).outcome).toBe('already processed');
    expect(await w.balance(userId)).toBe(200n);
  });
});
