import { describe, expect, it } from 'vitest';
import { releaseEscrow } from '../../src/escrow/release-escrow.js';
import { verifyLedger } from '../../src/ledger/verify-ledger.js';
import { setSupporter } from '../../src/supporters/set-supporter.js';
import { settings, useSettleWorld, type WorldSpec } from '../settlement/support/settle-world.js';

/** Two supporters flattr an unclaimed creator (R0) and a claimed one (R1). */
const SPEC: WorldSpec = {
  recipients: [{ claimed: false }, { claimed: true }],
  supporters: [
    { currency: 'EUR', budget: 1000n, wallet: 1000n, flattrs: [{ recipient: 0, active: true }, { recipient: 0, active: true }, { recipient: 1, active: true }] },
    { currency: 'USD', budget: 301n, wallet: 500n, flattrs: [{ recipient: 0, active: true }] },
  ],
};
const DAY = 24 * 3600_000;

describe('escrow release (rule 9)', () => {
  const { db } = useSettleWorld(SPEC, { settle: settings() });

  const wallets = () => db().$queryRawUnsafe<{ user_id: number; balance: bigint }[]>(
    `SELECT a.user_id, sum(e.amount)::int8 AS balance FROM accounts a JOIN entries e ON e.account_id = a.id WHERE a.kind = 'wallet' GROUP BY 1 ORDER BY 1`);
  const escrow = () => db().$queryRawUnsafe<{ balance: bigint }[]>(
    `SELECT coalesce(sum(e.amount), 0)::int8 AS balance FROM accounts a JOIN entries e ON e.account_id = a.id WHERE a.kind = 'escrow'`);

  it('keeps escrow younger than the hold, and the dry run writes nothing', async () => {
    const young = await releaseEscrow(db(), { holdDays: 90, now: new Date(Date.now() + 89 * DAY), apply: true });
    expect(young.refunds).toEqual([]);
    const before = await wallets();
    const dry = await releaseEscrow(db(), { holdDays: 90, now: new Date(Date.now() + 91 * DAY), apply: false });
    expect(dry.refunds.length).toBe(2);
    expect(await wallets()).toEqual(before);
  });

  it('returns old escrow to exactly the supporters who paid it, once', async () => {
    const [{ balance: held }] = (await escrow()) as [{ balance: bigint }];
    const before = await wallets();
    const later = new Date(Date.now() + 91 * DAY);
    const result = await releaseEscrow(db(), { holdDays: 90, now: later, apply: true });
    // Supporter 1 (EUR, 900 distributable over 3 flattrs): 600 held for R0; supporter 2 (USD): 271.
    expect(result.refunds.map((r) => [r.currency, r.amount])).toEqual([['EUR', 600n], ['USD', 271n]]);
    expect(result.transfers).toBe(2);
    const after = await wallets();
    expect(after.map((w, i) => w.balance - before[i]!.balance)).toEqual([600n, 271n]);
    expect(held).toBe(871n);
    expect((await escrow())[0]!.balance).toBe(0n);
    const again = await releaseEscrow(db(), { holdDays: 90, now: later, apply: true });
    expect(again.refunds).toEqual([]);
    expect(await wallets()).toEqual(after);
    expect(await verifyLedger(db())).toMatchObject({ ok: true });
  });

  it('releases nothing of an identity that was claimed first: the creator got it all', async () => {
    await setSupporter(db(), { platform: 'slack', externalId: 'T1:R0' });
    const result = await releaseEscrow(db(), { holdDays: 90, now: new Date(Date.now() + 91 * DAY), apply: true });
    expect(result.refunds).toEqual([]);
    const [creator] = await db().$queryRawUnsafe<{ balance: bigint }[]>(
      `SELECT sum(e.amount)::int8 AS balance FROM accounts a JOIN entries e ON e.account_id = a.id
        WHERE a.kind = 'creator' AND a.user_id = (SELECT user_id FROM identities WHERE external_id = 'T1:R0') AND a.currency = 'EUR'`);
    expect(creator!.balance).toBe(600n);
    expect(await verifyLedger(db())).toMatchObject({ ok: true });
  });
});
