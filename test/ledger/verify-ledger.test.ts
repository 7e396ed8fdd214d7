import { describe, expect, it } from 'vitest';
import { LEDGER_CHECKS, verifyLedger } from '../../src/ledger/verify-ledger.js';
import { settings, useSettleWorld, type WorldSpec } from '../settlement/support/settle-world.js';

const SPEC: WorldSpec = {
  recipients: [{ claimed: false }, { claimed: true }],
  supporters: [
    { currency: 'EUR', budget: 1000n, wallet: 1200n, flattrs: [{ recipient: 0, active: true }, { recipient: 1, active: true }] },
    { currency: 'EUR', budget: 500n, wallet: 300n, flattrs: [{ recipient: 1, active: true }] },
  ],
};

/** Each invariant of rule 10 is named when broken, and only then. */
describe('verifyLedger', () => {
  const { db, world } = useSettleWorld(SPEC, { settle: settings() });
  const first = () => world().supporterIds[0]!;

  it('passes every check on a settled ledger', async () => {
    expect(await verifyLedger(db())).toEqual({ ok: true, checked: LEDGER_CHECKS.map((c) => c.invariant) });
  });

  const broken = async () => {
    const verdict = await verifyLedger(db());
    return verdict.ok ? 'ok' : verdict.invariant;
  };
  const wallet = async (userId: number) => (await db().$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM accounts WHERE kind = 'wallet' AND user_id = $1`, userId))[0]!.id;

  it('names an unbalanced transfer', async () => {
    await db().$executeRawUnsafe(`INSERT INTO transfers (id, kind, idempotency_key) VALUES (900, 'bad', 'bad')`);
    await db().$executeRawUnsafe(`INSERT INTO entries (transfer_id, account_id, currency, amount) VALUES (900, $1, 'EUR', 5)`, await wallet(first()));
    expect(await broken()).toBe('every transfer sums to zero per currency');
  });

  it('names an entry of a transfer that does not exist', async () => {
    await db().$executeRawUnsafe(`INSERT INTO entries (transfer_id, account_id, currency, amount) VALUES (901, $1, 'EUR', 0)`, await wallet(first()));
    expect(await broken()).toBe('every entry belongs to an existing transfer and account');
  });

  it('names a charge over budget, a wrong fee, and shares that do not add up', async () => {
    await db().$executeRawUnsafe(`UPDATE supporter_settlements SET budget = 10 WHERE supporter_id = $1`, first());
    expect(await broken()).toBe('per supporter charged ≤ budget');
    await db().$executeRawUnsafe(`UPDATE supporter_settlements SET budget = 1000, fee = fee + 1 WHERE supporter_id = $1`, first());
    expect(await broken()).toBe('fee exactly F = ⌊A × FEE_BPS / 10000⌋');
    await db().$executeRawUnsafe(`UPDATE supporter_settlements SET fee = fee - 1 WHERE supporter_id = $1`, first());
    await db().$executeRawUnsafe(`UPDATE supporter_settlements SET shares[1] = shares[1] + 1 WHERE supporter_id = $1`, first());
    expect(await broken()).toBe('Σ shares = charged − fee per supporter');
  });

  it('names a split that counts a flattr twice or one that is not the supporter’s', async () => {
    await db().$executeRawUnsafe(`UPDATE supporter_settlements SET flattr_ids[2] = flattr_ids[1] WHERE supporter_id = $1`, first());
    expect(await broken()).toBe('each split names the supporter’s own active flattrs of the period, once each');
    const other = world().supporterIds[1]!;
    await db().$executeRawUnsafe(
      `UPDATE supporter_settlements SET flattr_ids[2] = (SELECT flattr_ids[1] FROM supporter_settlements WHERE supporter_id = $2) WHERE supporter_id = $1`, first(), other);
    expect(await broken()).toBe('each split names the supporter’s own active flattrs of the period, once each');
  });

  it('refuses a split whose length is not the flattr count, or a negative share', async () => {
    await expect(db().$executeRawUnsafe(`UPDATE supporter_settlements SET flattr_ids = flattr_ids[1:1] WHERE supporter_id = $1`, first()))
      .rejects.toThrow(/supporter_settlements_split_check/);
    await expect(db().$executeRawUnsafe(`UPDATE supporter_settlements SET shares[1] = -1 WHERE supporter_id = $1`, first()))
      .rejects.toThrow(/supporter_settlements_split_check/);
  });

  it('gives each check a stable snake_case name, once (the self-check\'s metric label)', () => {
    const names = LEDGER_CHECKS.map((c) => c.check);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z]+(_[a-z]+)*$/);
  });

  it('with all, runs every check and lists each broken one, the first named as before', async () => {
    await db().$executeRawUnsafe(`INSERT INTO transfers (id, kind, idempotency_key) VALUES (903, 'bad', 'bad')`);
    await db().$executeRawUnsafe(`INSERT INTO entries (transfer_id, account_id, currency, amount) VALUES (903, $1, 'EUR', 5)`, await wallet(first()));
    await db().$executeRawUnsafe(`UPDATE supporter_settlements SET fee = fee + 1 WHERE supporter_id = $1`, first());
    const stopped = await verifyLedger(db());
    expect(stopped).toMatchObject({ ok: false, check: 'transfers_balance', broken: [{ check: 'transfers_balance' }] });
    const all = await verifyLedger(db(), { all: true });
    expect(all).toMatchObject({ ok: false, check: 'transfers_balance', invariant: 'every transfer sums to zero per currency', detail: 'transfer 903 sums to 5 EUR' });
    // A fee one too high also leaves the shares one short of charged − fee.
    expect(all.ok ? [] : all.broken.map((b) => b.check)).toEqual(['transfers_balance', 'fee_exact', 'shares_sum']);
    expect(all.checked).toHaveLength(LEDGER_CHECKS.length - 3);
  });

  it('names a wallet driven below zero', async () => {
    await db().$executeRawUnsafe(`INSERT INTO transfers (id, kind, idempotency_key) VALUES (902, 'bad', 'overdraw')`);
    const fees = (await db().$queryRawUnsafe<{ id: number }[]>(`SELECT id FROM accounts WHERE kind = 'fees'`))[0]!.id;
    await db().$executeRawUnsafe(`INSERT INTO entries (transfer_id, account_id, currency, amount) VALUES (902, $1, 'EUR', -10000), (902, $2, 'EUR', 10000)`, await wallet(first()), fees);
    expect(await broken()).toBe('per supporter charged ≤ wallet (no wallet ever below zero)');
  });
});
