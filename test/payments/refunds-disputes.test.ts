import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { renderPerson } from '../../src/cli/commands/person-show.js';
import { IdempotencyKeyConflictError } from '../../src/domain/errors.js';
import { loadPersonMoney } from '../../src/people/load-person-money.js';
import { creditWallet } from '../../src/wallet/credit-wallet.js';
import { createPaymentsWorld, type PaymentsWorld } from './support/payments-world.js';

const outcome = (res: { body: string }) => (JSON.parse(res.body) as { outcome: string }).outcome;
const sessionOf = (url: string) => url.split('/').pop()!;

describe('refunds and disputes of Stripe top-ups', { timeout: 60_000 }, () => {
  let w: PaymentsWorld;
  beforeAll(async () => { w = await createPaymentsWorld(); });
  afterAll(async () => { await w?.close(); });
  afterEach(async () => { await w.expectLedgerOk(); });

  it('a refund after the money was spent: the wallet gives what it has, the rest is owed, flattring pauses, the next top-up settles it first', async () => {
    w.clock.now = new Date('2026-11-10T12:00:00Z');
    const ana = await w.supporter('T1:UANA', 'EUR', '20.00');
    const first = await w.topup(ana, '25');
    await w.webhooks.deliver(w.pay(first.url));
    expect(await w.balance(ana)).toBe(2500n);
    expect(await w.like('T1:UANA')).toEqual({ kind: 'accepted' });
    w.clock.now = new Date('2026-12-02T12:00:00Z');
    await w.settle('2026-11');
    expect(await w.balance(ana)).toBe(500n); // 20.00 of the 25.00 went to the creator and the fee

    const refund = w.fake.refundCharge(w.fake.chargeOf(sessionOf(first.url)).id);
    const res = await w.webhooks.deliver(refund);
    expect(res.status).toBe(200);
    expect(outcome(res)).toBe(`refund: 500 EUR from the wallet, 2000 owed (auto-flattring paused until settled) (top-up ${first.topupId})`);
    expect(await w.balance(ana)).toBe(0n);
    expect(await w.balance(ana, 'receivable')).toBe(-2000n);
    const [reversal] = await w.db.$queryRawUnsafe<object[]>(`SELECT kind, amount, from_wallet, to_receivable FROM topup_reversals`);
    expect(reversal).toEqual({ kind: 'refund', amount: 2500n, from_wallet: 500n, to_receivable: 2000n });

    // Redelivered, or told again in a later event about the same refunds: nothing more.
    expect(outcome(await w.webhooks.deliver(refund))).toBe('already processed');
    expect(outcome(await w.webhooks.deliver(w.fake.event('charge.refunded', refund.data.object)))).toMatch(/^ignored: refunds of ch_test_\w+ already taken back$/);
    expect(await w.balance(ana, 'receivable')).toBe(-2000n);

    // While Ana owes, her likes are not flattrs, and `flattr supporter show` says what she owes.
    expect(await w.like('T1:UANA')).toEqual({ kind: 'ignored', reason: 'receivable_open' });
    const owing = await loadPersonMoney(w.db, 'slack', 'T1:UANA', 90);
    expect(owing?.supporter?.owed).toEqual([{ minor: 2000n, currency: 'EUR' }]);
    expect(renderPerson(owing!, 'supporter')).toContain('  owes        €20.00 after a refund or lost dispute; likes are not flattrs until a top-up or wallet credit settles it');

    const second = await w.topup(ana, '30');
    expect(outcome(await w.webhooks.deliver(w.pay(second.url)))).toBe(`credited 1000 EUR to the wallet, 2000 to what was owed (top-up ${second.topupId})`);
    expect(await w.balance(ana)).toBe(1000n);
    expect(await w.balance(ana, 'receivable')).toBe(0n);
    expect(await w.like('T1:UANA')).toEqual({ kind: 'accepted' });
    const settled = await loadPersonMoney(w.db, 'slack', 'T1:UANA', 90);
    expect(settled?.supporter?.owed).toEqual([]);
    expect(renderPerson(settled!, 'supporter').some((line) => line.includes('owes'))).toBe(false);
  });

  it('a top-up smaller than what is owed goes all to the receivable, and flattring stays paused', async () => {
    const bo = await w.supporter('T1:UBO', 'EUR', '10.00');
    const first = await w.topup(bo, '10');
    await w.webhooks.deliver(w.pay(first.url));
    // Spent by a real settlement of December.
    w.clock.now = new Date('2026-12-10T12:00:00Z');
    expect(await w.like('T1:UBO')).toEqual({ kind: 'accepted' });
    w.clock.now = new Date('2027-01-02T12:00:00Z');
    await w.settle('2026-12');
    expect(await w.balance(bo)).toBe(0n);
    await w.webhooks.deliver(w.fake.refundCharge(w.fake.chargeOf(sessionOf(first.url)).id));
    expect(await w.balance(bo, 'receivable')).toBe(-1000n);
    const small = await w.topup(bo, '6');
    expect(outcome(await w.webhooks.deliver(w.pay(small.url)))).toBe(`credited 0 EUR to the wallet, 600 to what was owed (top-up ${small.topupId})`);
    expect(await w.balance(bo)).toBe(0n);
    expect(await w.balance(bo, 'receivable')).toBe(-400n);
    expect(await w.like('T1:UBO')).toEqual({ kind: 'ignored', reason: 'receivable_open' });
  });

  it('a manual wallet credit pays what is owed first, as a top-up does, and lifts the pause; its key replayed is the same credit', async () => {
    w.clock.now = new Date('2027-01-10T12:00:00Z');
    const fay = await w.supporter('T1:UFAY', 'EUR', '10.00');
    const topup = await w.topup(fay, '10');
    await w.webhooks.deliver(w.pay(topup.url));
    expect(await w.like('T1:UFAY')).toEqual({ kind: 'accepted' });
    w.clock.now = new Date('2027-02-02T12:00:00Z');
    await w.settle('2027-01');
    await w.webhooks.deliver(w.fake.refundCharge(w.fake.chargeOf(sessionOf(topup.url)).id));
    expect(await w.balance(fay, 'receivable')).toBe(-1000n);

    const credit = (amount: string, idempotencyKey: string) => creditWallet(w.db, { platform: 'slack', externalId: 'T1:UFAY', amount, idempotencyKey });
    expect(await credit('4.00', 'gift-fay-1')).toMatchObject({ settled: { minor: 400n, currency: 'EUR' }, balance: { minor: 0n, currency: 'EUR' }, created: true });
    expect(await w.balance(fay, 'receivable')).toBe(-600n);
    expect(await w.like('T1:UFAY')).toEqual({ kind: 'ignored', reason: 'receivable_open' });
    expect(await credit('15.00', 'gift-fay-2')).toMatchObject({ settled: { minor: 600n, currency: 'EUR' }, balance: { minor: 900n, currency: 'EUR' }, created: true });
    expect(await w.balance(fay, 'receivable')).toBe(0n);
    expect(await w.like('T1:UFAY')).toEqual({ kind: 'accepted' });

    // Replayed, the first credit is judged by what it paid then, not by today's debt (none): the same credit, nothing written.
    const before = await w.counts();
    expect(await credit('4.00', 'gift-fay-1')).toMatchObject({ settled: { minor: 400n, currency: 'EUR' }, balance: { minor: 900n, currency: 'EUR' }, created: false });
    await expect(credit('5.00', 'gift-fay-1')).rejects.toBeInstanceOf(IdempotencyKeyConflictError);
    expect(await w.counts()).toEqual(before);
    // Money by hand comes from the manual external account, never from Stripe's.
    const sources = await w.db.$queryRawUnsafe<{ kind: string }[]>(
      `SELECT DISTINCT a.kind FROM transfers t JOIN entries e ON e.transfer_id = t.id JOIN accounts a ON a.id = e.account_id
        WHERE t.idempotency_key IN ('gift-fay-1', 'gift-fay-2') AND e.amount < 0`);
    expect(sources).toEqual([{ kind: 'external' }]);
  });

  it('a lost dispute takes the money back once; a won one changes nothing; never more than was paid', async () => {
    const cy = await w.supporter('T1:UCY');
    const topup = await w.topup(cy, '10');
    await w.webhooks.deliver(w.pay(topup.url));
    const charge = w.fake.chargeOf(sessionOf(topup.url));
    const { created, closed, dispute } = w.fake.loseDispute(charge.id);
    expect(outcome(await w.webhooks.deliver(created))).toBe('ignored: no handler for charge.dispute.created');
    expect(outcome(await w.webhooks.deliver(closed))).toBe(`dispute: 1000 EUR from the wallet (top-up ${topup.topupId})`);
    expect(await w.balance(cy)).toBe(0n);
    expect(await w.balance(cy, 'receivable')).toBe(0n);
    expect(outcome(await w.webhooks.deliver(closed))).toBe('already processed');
    const won = w.fake.event('charge.dispute.closed', { ...dispute, id: 'dp_test_won', status: 'won' });
    expect(outcome(await w.webhooks.deliver(won))).toBe('ignored: dispute won');

    const dee = await w.supporter('T1:UDEE');
    const other = await w.topup(dee, '20');
    await w.webhooks.deliver(w.pay(other.url));
    const otherCharge = w.fake.chargeOf(sessionOf(other.url));
    await w.webhooks.deliver(w.fake.refundCharge(otherCharge.id, 500));
    expect(await w.balance(dee)).toBe(1500n);
    // Disputed in full after a partial refund: only what is left of the payment comes back.
    expect(outcome(await w.webhooks.deliver(w.fake.loseDispute(otherCharge.id).closed))).toBe(`dispute: 1500 EUR from the wallet (top-up ${other.topupId})`);
    expect(await w.balance(dee)).toBe(0n);
  });

  it('a refund that arrives before its top-up was credited fails (Stripe delivers it again) and applies after the credit', async () => {
    const eve = await w.supporter('T1:UEVE');
    const topup = await w.topup(eve, '10');
    const completed = w.pay(topup.url);
    const refund = w.fake.refundCharge(w.fake.chargeOf(sessionOf(topup.url)).id);
    const early = await w.webhooks.deliver(refund);
    expect(early.status).toBe(500);
    const [stored] = await w.db.$queryRawUnsafe<{ processed: boolean; last_error: string }[]>(`SELECT processed_at IS NOT NULL AS processed, last_error FROM stripe_events WHERE id = $1`, refund.id);
    expect(stored).toEqual({ processed: false, last_error: expect.stringMatching(/^top-up \d+ is not credited yet/) });
    expect(await w.balance(eve)).toBe(0n);
    await w.webhooks.deliver(completed);
    expect(await w.balance(eve)).toBe(1000n);
    expect(outcome(await w.webhooks.deliver(refund))).toBe(`refund: 1000 EUR from the wallet (top-up ${topup.topupId})`);
    expect(await w.balance(eve)).toBe(0n);
  });
});
