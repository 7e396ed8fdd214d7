import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitBudget, type UnspentPolicy } from '../../src/domain/split.js';
import { verifyLedger } from '../../src/ledger/verify-ledger.js';
import { DATABASES, type TestDatabase } from '../support/database.js';
import { buildWorld, PERIOD, RESET_SQL, settings, settlePeriod, type WorldSpec } from './support/settle-world.js';

const worldArb: fc.Arbitrary<WorldSpec> = fc.record({
  recipients: fc.array(fc.record({ claimed: fc.boolean() }), { minLength: 1, maxLength: 5 }),
  supporters: fc.array(fc.record({
    currency: fc.constantFrom('EUR', 'USD', 'JPY'),
    budget: fc.bigInt({ min: 0n, max: 5000n }),
    wallet: fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 6000n })),
    active: fc.boolean(),
    flattrs: fc.array(fc.record({ recipient: fc.nat(10), active: fc.boolean() }), { maxLength: 9 }),
  }), { minLength: 1, maxLength: 7 }),
});

/** The expected non-zero balances, by owner, from the pure split of every supporter. */
function expectedLedger(spec: WorldSpec, ids: Awaited<ReturnType<typeof buildWorld>>, flattrs: { id: bigint; supporter_id: number; recipient_identity_id: number }[], feeBps: number, policy: UnspentPolicy) {
  const balances = new Map<string, bigint>();
  const add = (key: string, amount: bigint) => balances.set(key, (balances.get(key) ?? 0n) + amount);
  const settlements: unknown[] = [];
  const shares: unknown[] = [];
  spec.supporters.forEach((s, i) => {
    const supporterId = ids.supporterIds[i]!;
    if (s.wallet > 0n) {
      add(`external/-/-/${s.currency}/-`, -s.wallet);
      add(`wallet/${supporterId}/-/${s.currency}/-`, s.wallet);
    }
    const mine = flattrs.filter((f) => f.supporter_id === supporterId).map((f) => ({ id: f.id, recipientIdentityId: f.recipient_identity_id }));
    if (mine.length === 0 && !(policy === 'charity' && (s.active ?? true) && s.budget > 0n)) return;
    const r = splitBudget({ supporterId, period: PERIOD, budget: s.budget, wallet: s.wallet, feeBps, policy, flattrs: mine });
    settlements.push({ supporter_id: supporterId, charged: r.charged, fee: r.fee, flattrs: mine.length });
    add(`wallet/${supporterId}/-/${s.currency}/-`, -r.charged);
    add(`fees/-/-/${s.currency}/-`, r.fee);
    add(`charity/-/-/${s.currency}/-`, r.charity);
    for (const share of r.shares) {
      const creator = ids.creatorIds[ids.recipientIds.indexOf(share.recipientIdentityId)];
      shares.push({ flattr_id: share.flattrId, amount: share.amount, escrowed: creator == null });
      if (creator != null) add(`creator/${creator}/-/${s.currency}/-`, share.amount);
      else add(`escrow/-/${share.recipientIdentityId}/${s.currency}/${supporterId}`, share.amount);
    }
  });
  return {
    balances: new Map([...balances].filter(([, v]) => v !== 0n)),
    settlements: settlements.sort((a, b) => (a as { supporter_id: number }).supporter_id - (b as { supporter_id: number }).supporter_id),
    shares: shares.sort((a, b) => Number((a as { flattr_id: bigint }).flattr_id - (b as { flattr_id: bigint }).flattr_id)),
  };
}

describe.each(Object.entries(DATABASES))('SQL settlement agrees with the pure split on %s', (kind, create) => {
  let database: TestDatabase;
  beforeAll(async () => { database = await create(); });
  afterAll(async () => { await database?.drop(); });

  // Each world is settled by the real worker on Redis (about 0.3 s of queue round trips each): a loaded CI machine needs the room.
  it('on every generated world: same settlements, shares and balances; the ledger verifies', { timeout: 240_000 }, async () => {
    await fc.assert(fc.asyncProperty(
      worldArb, fc.integer({ min: 0, max: 10000 }), fc.constantFrom<UnspentPolicy>('keep', 'charity'), fc.integer({ min: 1, max: 4 }),
      async (spec, feeBps, policy, batchSize) => {
        const db = database.prisma;
        await db.$executeRawUnsafe(RESET_SQL);
        const ids = await buildWorld(db, spec);
        await settlePeriod(db, PERIOD, settings({ feeBps, policy, batchSize }));

        const flattrs = await db.$queryRawUnsafe<{ id: bigint; supporter_id: number; recipient_identity_id: number }[]>(
          `SELECT id, supporter_id, recipient_identity_id FROM flattrs WHERE status = 'active' ORDER BY id`);
        const expected = expectedLedger(spec, ids, flattrs, feeBps, policy);
        const balances = await db.$queryRawUnsafe<{ k: string; balance: bigint }[]>(
          `SELECT a.kind || '/' || coalesce(a.user_id::text, '-') || '/' || coalesce(a.identity_id::text, '-') || '/' || a.currency || '/' || coalesce(e.payer_user_id::text, '-') AS k,
                  sum(e.amount)::int8 AS balance
             FROM accounts a JOIN entries e ON e.account_id = a.id GROUP BY 1 HAVING sum(e.amount) <> 0`);
        expect(new Map(balances.map((b) => [b.k, b.balance]))).toEqual(expected.balances);
        expect(await db.$queryRawUnsafe(`SELECT supporter_id, charged, fee, flattrs FROM supporter_settlements ORDER BY supporter_id`)).toEqual(expected.settlements);
        expect(await db.$queryRawUnsafe(`SELECT u.flattr_id, u.amount, u.escrowed FROM supporter_settlements s
          CROSS JOIN LATERAL unnest(s.flattr_ids, s.shares, s.escrowed) AS u(flattr_id, amount, escrowed) ORDER BY u.flattr_id`)).toEqual(expected.shares);
        // Each split's arrays are stored in flattr id order.
        expect(await db.$queryRawUnsafe(`SELECT count(*)::int AS unordered FROM supporter_settlements s
                                           WHERE s.flattr_ids <> (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM unnest(s.flattr_ids) x)`)).toEqual([{ unordered: 0 }]);
        expect(await verifyLedger(db)).toMatchObject({ ok: true });
      },
    ), { numRuns: kind === 'postgres' ? 40 : 15 });
  });
});
