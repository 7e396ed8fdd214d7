import { describe, expect, it } from 'vitest';
import { createLinkCode, redeemLinkCode, type LinkResult } from '../../src/chat/link-codes.js';
import { verifyLedger } from '../../src/ledger/verify-ledger.js';
import { openRun } from '../../src/settlement/open-run.js';
import { setSupporter } from '../../src/supporters/set-supporter.js';
import { NOW, PERIOD, settings, settlePeriod, useSettleWorld, type WorldSpec } from './support/settle-world.js';

/** Six supporters in EUR and USD flattr one unclaimed creator, R0. */
const SPEC: WorldSpec = {
  recipients: [{ claimed: false }],
  supporters: Array.from({ length: 6 }, (_, i) => ({
    currency: i % 2 ? 'USD' : 'EUR', budget: 1000n + BigInt(i), wallet: 2000n, flattrs: [{ recipient: 0, active: true }, { recipient: 0, active: true }],
  })),
};

/** Claims racing with settlement: the creator ends up with every cent, escrow with none. */
describe('claiming a creator while its period settles', () => {
  const { db } = useSettleWorld(SPEC);

  const balances = () => db().$queryRawUnsafe<{ kind: string; currency: string; balance: bigint }[]>(
    `SELECT a.kind, trim(a.currency) AS currency, sum(e.amount)::int8 AS balance FROM accounts a JOIN entries e ON e.account_id = a.id
      WHERE a.kind IN ('creator', 'escrow') GROUP BY 1, 2 ORDER BY 1, 2`);
  const distributed = async () => Object.fromEntries((await db().$queryRawUnsafe<{ currency: string; d: bigint }[]>(
    `SELECT trim(currency) AS currency, sum(charged - fee)::int8 AS d FROM supporter_settlements GROUP BY 1`)).map((r) => [r.currency, r.d]));

  it('credits the creator directly when the claim comes after the run opened (accounts made on the way)', async () => {
    await openRun(db(), PERIOD, settings({ batchSize: 2 }), NOW);
    await setSupporter(db(), { platform: 'slack', externalId: 'T1:R0' });
    await settlePeriod(db(), PERIOD, settings({ batchSize: 2 }));
    const d = await distributed();
    expect(await balances()).toEqual([
      { kind: 'creator', currency: 'EUR', balance: d.EUR },
      { kind: 'creator', currency: 'USD', balance: d.USD },
    ]);
    expect(await verifyLedger(db())).toMatchObject({ ok: true });
  });

  it('a claim in the middle of a batch waits for it and moves what it escrowed', async () => {
    let claim: Promise<unknown> | undefined;
    await settlePeriod(db(), PERIOD, settings({ batchSize: 2 }), {
      onStage: async (stage, { batch }) => {
        if (stage !== 'batch-written' || batch !== 0) return;
        claim = setSupporter(db(), { platform: 'slack', externalId: 'T1:R0' });
        await new Promise((r) => setTimeout(r, 300));
      },
    });
    await claim;
    const d = await distributed();
    const rows = await balances();
    expect(rows.filter((r) => r.kind === 'creator')).toEqual([
      { kind: 'creator', currency: 'EUR', balance: d.EUR },
      { kind: 'creator', currency: 'USD', balance: d.USD },
    ]);
    expect(rows.filter((r) => r.kind === 'escrow').every((r) => r.balance === 0n)).toBe(true);
    expect(await verifyLedger(db())).toMatchObject({ ok: true });
  });
});

/**
 * R0 belongs to user A, who has nothing else yet: a link code may still move
 * it to the creator's main user B. If that happens while R0's period settles,
 * the run's remaining batches must credit B, who owns R0, not A, who no
 * longer owns anything; and A stops being movable once a batch has credited it.
 */
describe('moving a claimed creator identity to another user while its period settles', () => {
  const { db, world } = useSettleWorld({
    recipients: [{ claimed: true }],
    supporters: Array.from({ length: 4 }, (_, i) => ({ currency: 'EUR', budget: 1000n + BigInt(i), wallet: 2000n, flattrs: [{ recipient: 0, active: true }] })),
  });

  const creatorBalances = () => db().$queryRawUnsafe<{ user_id: number; balance: bigint }[]>(
    `SELECT a.user_id, sum(e.amount)::int8 AS balance FROM accounts a JOIN entries e ON e.account_id = a.id
      WHERE a.kind = 'creator' GROUP BY 1 ORDER BY 1`);
  const distributed = async () => (await db().$queryRawUnsafe<{ d: bigint }[]>(`SELECT sum(charged - fee)::int8 AS d FROM supporter_settlements`))[0]!.d;
  const ownerOfR0 = async () => (await db().$queryRawUnsafe<{ user_id: number }[]>(`SELECT user_id FROM identities WHERE external_id = 'T1:R0'`))[0]!.user_id;

  it('credits the new owner once the identity moved after the run opened', async () => {
    await openRun(db(), PERIOD, settings({ batchSize: 1 }), NOW);
    const code = await createLinkCode(db(), 'discord', 'B-main', NOW);
    expect((await redeemLinkCode(db(), 'slack', 'T1:R0', code, NOW, 'confirmed')).outcome).toBe('linked');
    const userB = await ownerOfR0();
    expect(userB).not.toBe(world().creatorIds[0]);
    await settlePeriod(db(), PERIOD, settings({ batchSize: 1 }));
    expect(await creatorBalances()).toEqual([{ user_id: userB, balance: await distributed() }]);
    expect(await verifyLedger(db())).toMatchObject({ ok: true });
  });

  it('a move in the middle of a batch waits for it, then refuses: the old owner has been credited', async () => {
    let move: Promise<LinkResult> | undefined;
    const code = await createLinkCode(db(), 'discord', 'B-main', NOW);
    await settlePeriod(db(), PERIOD, settings({ batchSize: 1 }), {
      onStage: async (stage, { batch }) => {
        if (stage !== 'batch-written' || batch !== 0) return;
        move = redeemLinkCode(db(), 'slack', 'T1:R0', code, NOW, 'confirmed');
        await new Promise((r) => setTimeout(r, 300));
      },
    });
    expect((await move)?.outcome).toBe('owned_elsewhere');
    const userA = world().creatorIds[0]!;
    expect(await ownerOfR0()).toBe(userA);
    expect(await creatorBalances()).toEqual([{ user_id: userA, balance: await distributed() }]);
    expect(await verifyLedger(db())).toMatchObject({ ok: true });
  });
});
