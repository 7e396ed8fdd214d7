import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { IdempotencyKeyConflictError } from '../../src/domain/errors.js';
import { ensureAccounts } from '../../src/ledger/accounts.js';
import { postTransfer, type TransferInput } from '../../src/ledger/post-transfer.js';
import { setSupporter } from '../../src/supporters/set-supporter.js';
import { creditWallet } from '../../src/wallet/credit-wallet.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';

/** Money rule 11: an idempotency key names one operation. */
describe('idempotency keys', () => {
  let database: TestDatabase;
  let seq = 0;
  const db = (): Db => database.prisma;
  const count = async (sql: string, ...params: unknown[]) => (await db().$queryRawUnsafe<{ n: number }[]>(sql, ...params))[0]!.n;
  const ledgerSize = async () => ({
    transfers: await count(`SELECT count(*)::int AS n FROM transfers`),
    entries: await count(`SELECT count(*)::int AS n FROM entries`),
    accounts: await count(`SELECT count(*)::int AS n FROM accounts`),
  });
  const post = (transfer: TransferInput) => db().$transaction((tx) => postTransfer(tx, transfer));
  const wallets = async (...userIds: number[]) => db().$transaction((tx) => ensureAccounts(tx, [
    { kind: 'external', currency: 'EUR' }, ...userIds.map((userId) => ({ kind: 'wallet' as const, userId, currency: 'EUR' })),
  ]));
  const supporter = async () => {
    const me = { platform: 'slack', externalId: `T1:K${++seq}` };
    return { ...me, userId: (await setSupporter(db(), { ...me, budget: '10' })).userId };
  };

  beforeAll(async () => { database = await createPostgresDatabase(); });
  afterAll(async () => { await database?.drop(); });

  describe('postTransfer', () => {
    it('returns the first transfer for the same operation, whatever the order of its entries', async () => {
      const a = await supporter();
      const [external, wallet] = await wallets(a.userId);
      const first = await post({ kind: 'funding', idempotencyKey: 'pt-same', entries: [
        { accountId: external!, currency: 'EUR', amount: -500n }, { accountId: wallet!, currency: 'EUR', amount: 500n },
      ] });
      const before = await ledgerSize();
      const again = await post({ kind: 'funding', idempotencyKey: 'pt-same', memo: 'a retry', entries: [
        { accountId: wallet!, currency: 'EUR', amount: 500n }, { accountId: external!, currency: 'EUR', amount: -500n },
        // A zero entry is never written, so it is no difference either.
        { accountId: wallet!, currency: 'EUR', amount: 0n },
      ] });
      expect(again).toEqual({ id: first.id, created: false });
      expect(await ledgerSize()).toEqual(before);
    });

    it.each([
      ['another amount', { amount: 600n }],
      ['another account', { other: true }],
      ['another kind', { kind: 'refund' }],
      ['another period', { period: '2026-10' }],
    ])('refuses the key for %s with a typed error naming it, writing nothing', async (_what, change: { amount?: bigint; other?: boolean; kind?: string; period?: string }) => {
      const [a, b] = [await supporter(), await supporter()];
      const [external, walletA, walletB] = await wallets(a.userId, b.userId);
      const key = `pt-${seq}`;
      await post({ kind: 'funding', idempotencyKey: key, entries: [
        { accountId: external!, currency: 'EUR', amount: -500n }, { accountId: walletA!, currency: 'EUR', amount: 500n },
      ] });
      const before = await ledgerSize();
      const amount = change.amount ?? 500n;
      const second = post({ kind: change.kind ?? 'funding', idempotencyKey: key, period: change.period, entries: [
        { accountId: external!, currency: 'EUR', amount: -amount }, { accountId: change.other ? walletB! : walletA!, currency: 'EUR', amount },
      ] });
      await expect(second).rejects.toBeInstanceOf(IdempotencyKeyConflictError);
      await expect(second).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', key, message: expect.stringContaining(`"${key}"`) });
      expect(await ledgerSize()).toEqual(before);
    });
  });

  describe('creditWallet', () => {
    it('refuses a key already used for another supporter, writing nothing for the second', async () => {
      const [a, b] = [await supporter(), await supporter()];
      expect(await creditWallet(db(), { ...a, amount: '5.00', idempotencyKey: 'cw-other' })).toMatchObject({ created: true, balance: { minor: 500n } });
      const before = await ledgerSize();
      const second = creditWallet(db(), { ...b, amount: '5.00', idempotencyKey: 'cw-other' });
      await expect(second).rejects.toBeInstanceOf(IdempotencyKeyConflictError);
      await expect(second).rejects.toMatchObject({ message: expect.stringMatching(/^idempotency-key: "cw-other" was already used for transfer \d+ \(funding: wallet credit slack:T1:K\d+\) with other parameters/) });
      expect(await ledgerSize()).toEqual(before);
      expect(await count(`SELECT count(*)::int AS n FROM accounts WHERE user_id = $1`, b.userId)).toBe(0);
    });

    it('refuses a key already used in another currency by naming the key, not the currency', async () => {
      const a = await supporter();
      await creditWallet(db(), { ...a, amount: '5.00', idempotencyKey: 'cw-currency' });
      const before = await ledgerSize();
      await expect(creditWallet(db(), { ...a, amount: '5.00', currency: 'USD', idempotencyKey: 'cw-currency' }))
        .rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', key: 'cw-currency' });
      expect(await ledgerSize()).toEqual(before);
      // A new key in another currency: the currency is what is wrong, as before.
      await expect(creditWallet(db(), { ...a, amount: '5.00', currency: 'USD', idempotencyKey: 'cw-new' }))
        .rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'currency' });
    });

    it('replays a credit made before a currency change as the same operation, in its own currency', async () => {
      const a = await supporter();
      await creditWallet(db(), { ...a, amount: '5.00', idempotencyKey: 'cw-before-change' });
      await db().$transaction(async (tx) => {
        const [external, wallet] = await ensureAccounts(tx, [{ kind: 'external', currency: 'EUR' }, { kind: 'wallet', userId: a.userId, currency: 'EUR' }]);
        await postTransfer(tx, { kind: 'refund', idempotencyKey: `refund-${a.userId}`, entries: [
          { accountId: wallet!, currency: 'EUR', amount: -500n }, { accountId: external!, currency: 'EUR', amount: 500n },
        ] });
      });
      await setSupporter(db(), { ...a, currency: 'USD', budget: '10' });
      const before = await ledgerSize();
      expect(await creditWallet(db(), { ...a, amount: '5.00', currency: 'EUR', idempotencyKey: 'cw-before-change' }))
        .toMatchObject({ created: false, credited: { minor: 500n, currency: 'EUR' }, balance: { minor: 0n, currency: 'EUR' } });
      // Read in today's currency it is another operation.
      await expect(creditWallet(db(), { ...a, amount: '5.00', idempotencyKey: 'cw-before-change' })).rejects.toBeInstanceOf(IdempotencyKeyConflictError);
      expect(await ledgerSize()).toEqual(before);
    });
  });
});
