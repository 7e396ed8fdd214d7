import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../src/ledger/verify-ledger.js';
import { openPayout } from '../../src/payments/payouts/open-payout.js';
import { planPayouts } from '../../src/payments/payouts/plan-payouts.js';
import { readPayoutCandidates } from '../../src/payments/payouts/read-payout-candidates.js';
import { runPayouts } from '../../src/payments/payouts/run-payouts.js';
import { applyTransferReversedNow as applyTransferReversed } from '../../src/payments/payouts/transfer-reversed.js';
import { startFakeStripeConnect, type FakeStripeServer } from '../fakes/stripe/connect-server.js';
import { PERIOD, settings, settlePeriod, useSettleWorld } from '../settlement/support/settle-world.js';
import { connectCreator, creatorBalance, PAYOUT_WORLD, payoutRows } from './payouts-support.js';

const MINIMUM = '10.00';
const FAST = { attempts: 4, baseDelayMs: 1 };

describe('payouts: a settled month paid out through Stripe Connect transfers', () => {
  const { db, world } = useSettleWorld(PAYOUT_WORLD);
  let stripe: FakeStripeServer;
  let creators: number[];
  beforeEach(async () => {
    stripe = await startFakeStripeConnect();
    await settlePeriod(db(), PERIOD, settings());
    creators = world().creatorIds as number[];
  });
  afterEach(async () => {
    expect(await verifyLedger(db())).toMatchObject({ ok: true });
    await stripe.close();
  });

  const transfersPosted = () => stripe.fake.requests.filter((r) => r.method === 'POST' && r.path === '/v1/transfers');

  it('pays the two creators above the minimum their whole balance, once, and skips the one below it', async () => {
    const [r0, r1, r2] = creators as [number, number, number];
    expect([await creatorBalance(db(), r0), await creatorBalance(db(), r1), await creatorBalance(db(), r2)]).toEqual([3150n, 3150n, 900n]);
    const acct0 = await connectCreator(db(), stripe, r0);
    const acct1 = await connectCreator(db(), stripe, r1);
    await connectCreator(db(), stripe, r2);

    const result = await runPayouts(db(), stripe.client(), { minimum: MINIMUM, backoff: FAST });
    expect(result.planned.map((p) => [p.userId, p.action, p.action === 'pay' ? p.outcome?.status : p.reason])).toEqual([
      [r0, 'pay', 'paid'], [r1, 'pay', 'paid'], [r2, 'skip', 'below_minimum'],
    ]);
    expect([...stripe.fake.transfers.values()].map((t) => [t.destination, t.amount, t.currency]).sort()).toEqual([[acct0, 3150, 'eur'], [acct1, 3150, 'eur']].sort());
    expect([await creatorBalance(db(), r0), await creatorBalance(db(), r1), await creatorBalance(db(), r2)]).toEqual([0n, 0n, 900n]);
    expect((await payoutRows(db())).map((p) => [p.user_id, p.amount, p.status, p.sequence])).toEqual([[r0, 3150n, 'paid', 1], [r1, 3150n, 'paid', 1]]);

    // Run again: nothing left above the minimum, nothing sent.
    const again = await runPayouts(db(), stripe.client(), { minimum: MINIMUM, backoff: FAST });
    expect(again.planned.filter((p) => p.action === 'pay')).toEqual([]);
    expect(transfersPosted()).toHaveLength(2);
  });

  it('killed after the ledger debit and before the transfer: the next run sends the pending payout once', async () => {
    const [r0, r1] = creators as [number, number];
    await connectCreator(db(), stripe, r0);
    await connectCreator(db(), stripe, r1);
    // What a run does before it calls Stripe, and then dies: the rows and debits are written, Stripe heard nothing.
    for (const item of planPayouts(await readPayoutCandidates(db()), MINIMUM)) if (item.action === 'pay') await openPayout(db(), item, MINIMUM);
    expect((await payoutRows(db())).map((p) => p.status)).toEqual(['pending', 'pending']);
    expect(await creatorBalance(db(), r0)).toBe(0n);
    expect(transfersPosted()).toHaveLength(0);

    const result = await runPayouts(db(), stripe.client(), { minimum: MINIMUM, backoff: FAST });
    expect(result.resumed.map((p) => p.outcome.status)).toEqual(['paid', 'paid']);
    expect(result.planned.filter((p) => p.action === 'pay')).toEqual([]);
    expect(stripe.fake.transfers.size).toBe(2);
    expect(await creatorBalance(db(), r0)).toBe(0n);
  });

  it('the answer lost after Stripe made the transfer: asked again under the same key, Stripe replays it, never a second transfer', async () => {
    const [r0, r1] = creators as [number, number];
    await connectCreator(db(), stripe, r0);
    await connectCreator(db(), stripe, r1);
    // Stripe takes each first transfer request, then the connection dies before the answer.
    stripe.fake.fail({ method: 'POST', path: '/v1/transfers', lose: 'drop', times: 2 });
    const result = await runPayouts(db(), stripe.client(), { minimum: MINIMUM, backoff: FAST });
    expect(result.planned.map((p) => p.action === 'pay' && p.outcome?.status)).toEqual(['paid', 'paid', false]);
    expect(stripe.fake.transfers.size).toBe(2);
    expect(new Set((await payoutRows(db())).map((p) => p.stripe_transfer_id))).toEqual(new Set(stripe.fake.transfers.keys()));
    // Each payout was asked for twice, both times under its one key.
    const keys = transfersPosted().map((r) => r.idempotencyKey).sort();
    expect(keys).toEqual([`payout:${r0}:EUR:1`, `payout:${r0}:EUR:1`, `payout:${r1}:EUR:1`, `payout:${r1}:EUR:1`]);
    expect(await creatorBalance(db(), r1)).toBe(0n);
  });

  it('skips a creator without a connected account, and one whose account cannot receive payouts yet, with the reason; their balance stays', async () => {
    const [r0, r1] = creators as [number, number];
    const acct1 = await connectCreator(db(), stripe, r1, false);
    const result = await runPayouts(db(), stripe.client(), { minimum: MINIMUM, backoff: FAST });
    const skips = result.planned.filter((p) => p.action === 'skip');
    expect(skips.map((s) => [s.userId, s.reason])).toEqual([[r0, 'no_connected_account'], [r1, 'payouts_not_enabled'], [creators[2], 'below_minimum']]);
    expect(skips[1]!.action === 'skip' && skips[1]!.detail).toContain(`${acct1} cannot receive payouts yet; Stripe still needs: external_account`);
    expect(transfersPosted()).toHaveLength(0);
    expect(await payoutRows(db())).toEqual([]);
    expect(await creatorBalance(db(), r0)).toBe(3150n);
  });

  it('a reversed transfer (transfer.reversed) gives the money back to the balance with the reason, once', async () => {
    const [r0] = creators as [number];
    await connectCreator(db(), stripe, r0);
    await runPayouts(db(), stripe.client(), { minimum: MINIMUM, backoff: FAST });
    const [payout] = await payoutRows(db());
    const reversed = stripe.fake.reverseTransfer(payout!.stripe_transfer_id!);
    expect(await applyTransferReversed(db(), reversed)).toEqual({ outcome: 'returned', increment: 3150n });
    expect(await applyTransferReversed(db(), reversed)).toEqual({ outcome: 'already_returned', increment: 0n });
    expect(await creatorBalance(db(), r0)).toBe(3150n);
    expect((await payoutRows(db()))[0]).toMatchObject({ status: 'returned', reason: `transfer ${payout!.stripe_transfer_id} reversed by Stripe` });
    // The returned money is paid again by the next run, as a new payout under a new key.
    const next = await runPayouts(db(), stripe.client(), { minimum: MINIMUM, backoff: FAST });
    expect(next.planned.filter((p) => p.action === 'pay').map((p) => p.action === 'pay' && p.idempotencyKey)).toEqual([`payout:${r0}:EUR:2`]);
  });

  it('a transfer Stripe refuses for good returns the money with Stripe\'s reason; a 429 or 500 is retried under the same key', async () => {
    const [r0, r1] = creators as [number, number];
    const acct0 = await connectCreator(db(), stripe, r0);
    await connectCreator(db(), stripe, r1);
    // r0's account lost its capability at Stripe before account.updated arrived.
    stripe.fake.completeOnboarding(acct0, false);
    stripe.fake.fail({ method: 'POST', path: '/v1/transfers', status: 429, times: 1 });
    stripe.fake.fail({ method: 'POST', path: '/v1/transfers', status: 500, times: 1 });
    const result = await runPayouts(db(), stripe.client(), { minimum: MINIMUM, backoff: FAST });
    const outcomes = result.planned.filter((p) => p.action === 'pay').map((p) => p.action === 'pay' && p.outcome);
    expect(outcomes[0]).toMatchObject({ status: 'returned', reason: expect.stringContaining('insufficient_capabilities_for_transfer') });
    expect(outcomes[1]).toMatchObject({ status: 'paid' });
    expect(await creatorBalance(db(), r0)).toBe(3150n);
    expect(await creatorBalance(db(), r1)).toBe(0n);
    expect(stripe.fake.transfers.size).toBe(1);
    const r1Posts = transfersPosted().filter((r) => r.idempotencyKey === `payout:${r1}:EUR:1`);
    expect(r1Posts.length).toBeGreaterThanOrEqual(1);
    expect(transfersPosted().filter((r) => r.idempotencyKey === `payout:${r0}:EUR:1`).length).toBe(3);
  });

  it('two runs at once pay each creator once (the creator is locked and the balance read again)', async () => {
    const [r0, r1] = creators as [number, number];
    await connectCreator(db(), stripe, r0);
    await connectCreator(db(), stripe, r1);
    await Promise.all([
      runPayouts(db(), stripe.client(), { minimum: MINIMUM, backoff: FAST }),
      runPayouts(db(), stripe.client(), { minimum: MINIMUM, backoff: FAST }),
      runPayouts(db(), stripe.client(), { minimum: MINIMUM, backoff: FAST }),
    ]);
    expect((await payoutRows(db())).map((p) => [p.user_id, p.sequence, p.status])).toEqual([[r0, 1, 'paid'], [r1, 1, 'paid']]);
    expect(stripe.fake.transfers.size).toBe(2);
    expect(await creatorBalance(db(), r0)).toBe(0n);
  });

  it('ledger verify names a payout whose row and ledger disagree', async () => {
    const [r0] = creators as [number];
    await connectCreator(db(), stripe, r0);
    await runPayouts(db(), stripe.client(), { minimum: MINIMUM, backoff: FAST });
    await db().$executeRawUnsafe(`UPDATE payouts SET amount = 3000`);
    expect(await verifyLedger(db())).toMatchObject({ ok: false, check: 'payouts_match_ledger', detail: expect.stringContaining('of 3000 EUR (paid): ledger debit 3150') });
    await db().$executeRawUnsafe(`UPDATE payouts SET status = 'returned', amount = 3150`);
    expect(await verifyLedger(db())).toMatchObject({ ok: false, check: 'payouts_match_ledger' });
    await db().$executeRawUnsafe(`UPDATE payouts SET status = 'paid'`);
    // Money said to have come back that the ledger never gave back.
    await db().$executeRawUnsafe(`UPDATE payouts SET returned = 100`);
    expect(await verifyLedger(db())).toMatchObject({ ok: false, check: 'payouts_match_ledger', detail: expect.stringContaining('reversed parts 0, recorded returned 100') });
    await db().$executeRawUnsafe(`UPDATE payouts SET returned = 0`);
  });

  it('--dry-run plans the same payouts and writes nothing, nor calls Stripe', async () => {
    const [r0, r1] = creators as [number, number];
    await connectCreator(db(), stripe, r0);
    await connectCreator(db(), stripe, r1);
    const before = stripe.fake.requests.length;
    const [{ n: transfersBefore }] = await db().$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*)::int8 AS n FROM transfers`) as [{ n: bigint }];
    const dry = await runPayouts(db(), undefined, { minimum: MINIMUM, dryRun: true });
    expect(dry.planned.filter((p) => p.action === 'pay').map((p) => [p.userId, p.action === 'pay' && p.amount])).toEqual([[r0, 3150n], [r1, 3150n]]);
    expect(stripe.fake.requests.length).toBe(before);
    expect(await payoutRows(db())).toEqual([]);
    const [{ n: transfersAfter }] = await db().$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*)::int8 AS n FROM transfers`) as [{ n: bigint }];
    expect(transfersAfter).toBe(transfersBefore);
  });
});
