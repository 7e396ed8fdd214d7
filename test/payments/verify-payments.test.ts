import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccounts } from '../../src/ledger/accounts.js';
import { postTransfer } from '../../src/ledger/post-transfer.js';
import { verifyLedger } from '../../src/ledger/verify-ledger.js';
import { createPaymentsWorld, type PaymentsWorld } from './support/payments-world.js';

/** `flattr ledger verify`'s payment checks catch what top-ups, refunds and disputes must never do. */
describe('ledger verify: the payment checks', () => {
  let w: PaymentsWorld;
  beforeAll(async () => { w = await createPaymentsWorld(); });
  afterAll(async () => { await w?.close(); });

  /** Runs `plant` in a transaction that is rolled back after verifyLedger saw it. */
  async function verdictWith(plant: (tx: Parameters<Parameters<PaymentsWorld['db']['$transaction']>[0]>[0]) => Promise<unknown>) {
    let verdict: Awaited<ReturnType<typeof verifyLedger>> | undefined;
    await w.db.$transaction(async (tx) => {
      await plant(tx);
      verdict = await verifyLedger(tx as unknown as PaymentsWorld['db']);
      throw new Error('rollback');
    }).catch((e: unknown) => { if ((e as Error).message !== 'rollback') throw e; });
    return verdict!;
  }

  it('is green after a top-up, and names a receivable above zero, a paid top-up never credited, and a reversal above the payment', async () => {
    const userId = await w.supporter('T1:UVERIFY');
    const topup = await w.topup(userId, '10');
    await w.webhooks.deliver(w.pay(topup.url));
    expect(await verifyLedger(w.db)).toMatchObject({ ok: true });

    expect(await verdictWith(async (tx) => {
      const [wallet, receivable] = await ensureAccounts(tx, [{ kind: 'wallet', userId, currency: 'EUR' }, { kind: 'receivable', userId, currency: 'EUR' }]);
      await postTransfer(tx, { kind: 'planted', idempotencyKey: 'planted:receivable', entries: [
        { accountId: wallet!, currency: 'EUR', amount: -100n }, { accountId: receivable!, currency: 'EUR', amount: 100n }] });
    })).toMatchObject({ ok: false, check: 'receivable_never_negative' });

    expect(await verdictWith((tx) => tx.$executeRawUnsafe(
      `INSERT INTO topup_sessions (user_id, request_key, amount, currency, status, stripe_session_id) VALUES ($1, 'planted', 500, 'EUR', 'paid', 'cs_test_planted')`, userId,
    ))).toMatchObject({ ok: false, check: 'topups_credited_once', detail: expect.stringMatching(/paid but not credited/) });

    expect(await verdictWith((tx) => tx.$executeRawUnsafe(`UPDATE topup_sessions SET refunded = amount + 1 WHERE id = $1`, topup.topupId)))
      .toMatchObject({ ok: false, check: 'topup_reversals_within_payment' });
  });
});
