import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { CurrencyLockedError, CurrencyNeedsBudgetError } from '../../src/domain/errors.js';
import { ensureAccounts } from '../../src/ledger/accounts.js';
import { postTransfer } from '../../src/ledger/post-transfer.js';
import { setSupporter } from '../../src/supporters/set-supporter.js';
import { creditWallet } from '../../src/wallet/credit-wallet.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { holdTransaction } from '../support/held-transaction.js';

/** Money rule 11: a supporter's currency cannot change while their wallet holds money. */
describe('changing a supporter currency', () => {
  let database: TestDatabase;
  let seq = 0;
  const db = (): Db => database.prisma;
  const person = () => ({ platform: 'slack', externalId: `T1:C${++seq}` });
  const state = async (p: { platform: string; externalId: string }) => (await db().$queryRawUnsafe<{ currency: string; budget_minor: bigint; platforms: string[]; wallets: string }[]>(
    `SELECT trim(u.currency) AS currency, s.budget_minor, s.platforms,
            (SELECT coalesce(string_agg(trim(a.currency) || '=' || (SELECT coalesce(sum(e.amount), 0) FROM entries e WHERE e.account_id = a.id), ',' ORDER BY a.currency), '')
               FROM accounts a WHERE a.kind = 'wallet' AND a.user_id = u.id) AS wallets
       FROM identities i JOIN users u ON u.id = i.user_id JOIN supporter_settings s ON s.user_id = u.id
      WHERE i.platform = $1 AND i.external_id = $2`, p.platform, p.externalId))[0];

  beforeAll(async () => { database = await createPostgresDatabase(); });
  afterAll(async () => { await database?.drop(); });

  it('is refused while the wallet holds money, naming the balance and what to do, and changes nothing of the request', async () => {
    const me = person();
    await setSupporter(db(), { ...me, budget: '35.00' });
    await creditWallet(db(), { ...me, amount: '12.00' });
    const refused = setSupporter(db(), { ...me, currency: 'USD', budget: '10.00', enable: ['slack'], locale: 'fr' });
    await expect(refused).rejects.toBeInstanceOf(CurrencyLockedError);
    await expect(refused).rejects.toMatchObject({
      code: 'CURRENCY_LOCKED', current: 'EUR', wanted: 'USD', balanceMinor: 1200n,
      message: expect.stringMatching(/^currency: the wallet holds 12\.00 EUR, so the currency cannot change to USD .*spend it, or have it returned.* or keep EUR\. Nothing was changed\.$/),
    });
    expect(await state(me)).toEqual({ currency: 'EUR', budget_minor: 3500n, platforms: [], wallets: 'EUR=1200' });
    // Restating the current currency is no change, and is fine.
    expect(await setSupporter(db(), { ...me, currency: 'eur', budget: '20' })).toMatchObject({ currency: 'EUR', budgetMinor: 2000n });
  });

  it('is accepted once the wallet is empty again (the money returned)', async () => {
    const me = person();
    const { userId } = await setSupporter(db(), { ...me, budget: '35.00' });
    await creditWallet(db(), { ...me, amount: '5.00' });
    await expect(setSupporter(db(), { ...me, currency: 'CHF', budget: '30.00' })).rejects.toBeInstanceOf(CurrencyLockedError);
    await db().$transaction(async (tx) => {
      const [external, wallet] = await ensureAccounts(tx, [{ kind: 'external', currency: 'EUR' }, { kind: 'wallet', userId, currency: 'EUR' }]);
      await postTransfer(tx, { kind: 'refund', idempotencyKey: `refund:${userId}`, entries: [
        { accountId: wallet!, currency: 'EUR', amount: -500n }, { accountId: external!, currency: 'EUR', amount: 500n },
      ] });
    });
    expect(await setSupporter(db(), { ...me, currency: 'CHF', budget: '30.00' })).toMatchObject({ currency: 'CHF', budgetMinor: 3000n });
    expect(await state(me)).toMatchObject({ currency: 'CHF', budget_minor: 3000n, wallets: 'EUR=0' });
  });

  it('waits for a wallet credit in flight and then refuses, so no credit lands in the old currency after the change', async () => {
    const me = person();
    const { userId } = await setSupporter(db(), { ...me, budget: '35.00' });
    // Stall every transfer insert: the credit has read the currency and waits to post.
    const blocker = await holdTransaction(db(), (tx) => tx.$executeRawUnsafe(`LOCK TABLE transfers IN SHARE ROW EXCLUSIVE MODE`));
    const credit = creditWallet(db(), { ...me, amount: '10.00' });
    await waitUntil(async () => (await db().$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'transfers'::regclass`))[0]!.n > 0);
    const change = setSupporter(db(), { ...me, currency: 'USD', budget: '10.00' }).then(
      (view) => ({ changed: view.currency }), (error: unknown) => ({ refused: error }));
    // Before the fix the change committed here, while the EUR credit was still to come.
    await Promise.race([change, new Promise((resolve) => setTimeout(resolve, 1000))]);
    await blocker.commit();
    expect(await credit).toMatchObject({ userId, credited: { minor: 1000n, currency: 'EUR' } });
    expect(await change).toEqual({ refused: expect.any(CurrencyLockedError) });
    expect(await state(me)).toMatchObject({ currency: 'EUR', budget_minor: 3500n, wallets: 'EUR=1000' });
  });
});

describe('a currency change names the new budget', () => {
  let database: TestDatabase;
  let seq = 0;
  const db = (): Db => database.prisma;
  const person = () => ({ platform: 'slack', externalId: `T1:N${++seq}` });
  const budget = async (p: { platform: string; externalId: string }) => (await db().$queryRawUnsafe<{ currency: string; budget_minor: bigint }[]>(
    `SELECT trim(u.currency) AS currency, s.budget_minor FROM identities i JOIN users u ON u.id = i.user_id JOIN supporter_settings s ON s.user_id = u.id
      WHERE i.platform = $1 AND i.external_id = $2`, p.platform, p.externalId))[0];

  beforeAll(async () => { database = await createPostgresDatabase(); });
  afterAll(async () => { await database?.drop(); });

  it('refuses a currency alone on an empty wallet, saying what to write, so minor units are never reinterpreted', async () => {
    const me = person();
    await setSupporter(db(), { ...me, budget: '35.00' });
    const refused = setSupporter(db(), { ...me, currency: 'JPY' });
    await expect(refused).rejects.toBeInstanceOf(CurrencyNeedsBudgetError);
    await expect(refused).rejects.toMatchObject({
      code: 'CURRENCY_NEEDS_BUDGET', current: 'EUR', wanted: 'JPY',
      message: expect.stringMatching(/^currency: changing from EUR to JPY needs the budget in JPY .*--currency JPY --budget 10 .*\/flattr budget 10 JPY/),
    });
    expect(await budget(me)).toEqual({ currency: 'EUR', budget_minor: 3500n });

    // With the budget, each currency reads it with its own exponent: 3500 JPY, then 3.500 KWD.
    expect(await setSupporter(db(), { ...me, currency: 'JPY', budget: '3500' })).toMatchObject({ currency: 'JPY', budgetMinor: 3500n });
    await expect(setSupporter(db(), { ...me, currency: 'KWD' })).rejects.toBeInstanceOf(CurrencyNeedsBudgetError);
    await expect(setSupporter(db(), { ...me, currency: 'KWD', budget: '3.5555' })).rejects.toMatchObject({ field: 'budget' });
    expect(await budget(me)).toEqual({ currency: 'JPY', budget_minor: 3500n });
    expect(await setSupporter(db(), { ...me, currency: 'KWD', budget: '3.5' })).toMatchObject({ currency: 'KWD', budgetMinor: 3500n });
    // A budget alone is read in the current currency, as before.
    expect(await setSupporter(db(), { ...me, budget: '4' })).toMatchObject({ currency: 'KWD', budgetMinor: 4000n });
  });

  it('accepts a currency alone where there is no budget to reinterpret: a new supporter, or a budget of zero', async () => {
    const me = person();
    expect(await setSupporter(db(), { ...me, currency: 'JPY' })).toMatchObject({ created: true, currency: 'JPY', budgetMinor: 0n });
    expect(await setSupporter(db(), { ...me, currency: 'usd' })).toMatchObject({ created: false, currency: 'USD', budgetMinor: 0n });
    expect(await budget(me)).toEqual({ currency: 'USD', budget_minor: 0n });
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
