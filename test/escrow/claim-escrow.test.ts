import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { claimEscrow } from '../../src/escrow/claim-escrow.js';
import { ensureAccounts } from '../../src/ledger/accounts.js';
import { postTransfer } from '../../src/ledger/post-transfer.js';
import { setSupporter } from '../../src/supporters/set-supporter.js';
import { DATABASES, type TestDatabase } from '../support/database.js';

describe.each(Object.entries(DATABASES))('claimEscrow on %s', (_kind, create) => {
  let database: TestDatabase;
  beforeAll(async () => { database = await create(); });
  afterAll(async () => { await database?.drop(); });

  /** An unclaimed identity with escrow paid by two supporters, in EUR and USD. */
  async function escrowWorld(externalId: string) {
    const db = database.prisma;
    const [identity] = await db.$queryRawUnsafe<{ id: number }[]>(
      `INSERT INTO identities (platform, external_id) VALUES ('slack', $1) RETURNING id`, externalId);
    const [u1] = await db.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO users DEFAULT VALUES RETURNING id`);
    const [u2] = await db.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO users (currency) VALUES ('USD') RETURNING id`);
    await db.$transaction(async (tx) => {
      const [extEur, extUsd, escEur, escUsd] = await ensureAccounts(tx, [
        { kind: 'external', currency: 'EUR' }, { kind: 'external', currency: 'USD' },
        { kind: 'escrow', identityId: identity!.id, currency: 'EUR' }, { kind: 'escrow', identityId: identity!.id, currency: 'USD' },
      ]);
      await postTransfer(tx, { kind: 'test', idempotencyKey: `t-${externalId}`, entries: [
        { accountId: extEur!, currency: 'EUR', amount: -700n },
        { accountId: escEur!, currency: 'EUR', amount: 300n, payerUserId: u1!.id },
        { accountId: escEur!, currency: 'EUR', amount: 400n, payerUserId: u1!.id },
        { accountId: extUsd!, currency: 'USD', amount: -55n },
        { accountId: escUsd!, currency: 'USD', amount: 55n, payerUserId: u2!.id },
      ] });
    });
    return identity!.id;
  }

  const balances = (identityId: number) => database.prisma.$queryRawUnsafe<{ kind: string; currency: string; payer: number | null; balance: bigint }[]>(
    `SELECT a.kind, a.currency, e.payer_user_id AS payer, sum(e.amount)::int8 AS balance
       FROM accounts a JOIN entries e ON e.account_id = a.id
      WHERE (a.kind = 'escrow' AND a.identity_id = $1) OR (a.kind = 'creator' AND a.user_id = (SELECT user_id FROM identities WHERE id = $1))
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`, identityId);

  it('moves the whole escrow, every currency, to the creator in one transfer when the identity is claimed', async () => {
    const identityId = await escrowWorld('T1:CLAIM1');
    const view = await setSupporter(database.prisma, { platform: 'slack', externalId: 'T1:CLAIM1' });
    expect(view.claimedIdentity).toBe(true);
    const rows = await balances(identityId);
    expect(rows.filter((r) => r.kind === 'creator')).toEqual([
      { kind: 'creator', currency: 'EUR', payer: null, balance: 700n },
      { kind: 'creator', currency: 'USD', payer: null, balance: 55n },
    ]);
    expect(rows.filter((r) => r.kind === 'escrow').map((r) => r.balance)).toEqual([0n, 0n]);
    const transfers = await database.prisma.$queryRawUnsafe<{ n: bigint }[]>(
      `SELECT count(*)::int8 AS n FROM transfers WHERE kind = 'escrow_claim' AND idempotency_key LIKE $1`, `escrow-claim:${identityId}:%`);
    expect(transfers[0]!.n).toBe(1n);
  });

  it('is idempotent: a second claim of the same identity moves nothing', async () => {
    const identityId = await escrowWorld('T1:CLAIM2');
    const view = await setSupporter(database.prisma, { platform: 'slack', externalId: 'T1:CLAIM2' });
    await database.prisma.$transaction((tx) => claimEscrow(tx, identityId, view.userId));
    await database.prisma.$transaction((tx) => claimEscrow(tx, identityId, view.userId));
    const creator = (await balances(identityId)).filter((r) => r.kind === 'creator');
    expect(creator.map((r) => r.balance)).toEqual([700n, 55n]);
  });
});
