import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccounts, type AccountRef } from '../../src/ledger/accounts.js';
import { DATABASES, type TestDatabase } from '../support/database.js';
import { holdTransaction } from '../support/held-transaction.js';

describe.each(Object.entries(DATABASES))('ensureAccounts on %s', (kind, create) => {
  let database: TestDatabase;
  beforeAll(async () => { database = await create(); });
  afterAll(async () => { await database?.drop(); });

  it('creates each owner shape once and finds it again, whatever else is asked with it', async () => {
    const db = database.prisma;
    const [user] = await db.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO users DEFAULT VALUES RETURNING id`);
    const [identity] = await db.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO identities (platform, external_id) VALUES ('slack', 'T1:U1') RETURNING id`);
    const refs: AccountRef[] = [
      { kind: 'wallet', userId: user!.id, currency: 'EUR' }, { kind: 'creator', userId: user!.id, currency: 'EUR' },
      { kind: 'escrow', identityId: identity!.id, currency: 'EUR' }, { kind: 'fees', currency: 'EUR' }, { kind: 'wallet', userId: user!.id, currency: 'USD' },
    ];
    const first = await ensureAccounts(db, refs);
    expect(new Set(first).size).toBe(refs.length);
    // Again, in another order and with a new one among them: the same ids, one new account.
    const again = await ensureAccounts(db, [refs[3]!, { kind: 'charity', currency: 'EUR' }, ...refs.slice(0, 3), refs[4]!]);
    expect([again[0], ...again.slice(2)]).toEqual([first[3], ...first.slice(0, 3), first[4]]);
    expect(await db.$queryRawUnsafe(`SELECT count(*)::int AS n FROM accounts`)).toEqual([{ n: refs.length + 1 }]);
  });

  it('refuses an account owned by both a user and an identity', async () => {
    await expect(database.prisma.$executeRawUnsafe(
      `INSERT INTO accounts (kind, user_id, identity_id, currency) VALUES ('wallet', 1, 1, 'EUR')`)).rejects.toThrow(/accounts_one_owner_check/);
  });

  // PGlite has one connection: two transactions cannot race there.
  it.skipIf(kind === 'pglite')('finds the account another transaction created and committed while this one waited on it', async () => {
    const db = database.prisma;
    const [user] = await db.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO users DEFAULT VALUES RETURNING id`);
    const ref: AccountRef = { kind: 'creator', userId: user!.id, currency: 'EUR' };
    const other = await holdTransaction(db, async (tx) => (await ensureAccounts(tx, [ref]))[0]!);
    // Its insert waits for the other transaction's row; its snapshot is older than that commit.
    const second = ensureAccounts(db, [ref]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await other.commit();
    expect(await second).toEqual([other.value]);
  });
});
