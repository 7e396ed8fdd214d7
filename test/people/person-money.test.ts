import { describe, expect, it } from 'vitest';
import { renderPerson } from '../../src/cli/commands/person-show.js';
import { loadPersonMoney } from '../../src/people/load-person-money.js';
import { PERIOD, settings, useSettleWorld, type WorldSpec } from '../settlement/support/settle-world.js';

/** Two EUR supporters flattr an unclaimed creator R0 and a claimed creator R1; a third supporter's wallet is empty. */
const SPEC: WorldSpec = {
  supporters: [
    { currency: 'EUR', budget: 1000n, wallet: 3500n, flattrs: [{ recipient: 0, active: true }, { recipient: 1, active: true }] },
    { currency: 'EUR', budget: 2000n, wallet: 2000n, flattrs: [{ recipient: 0, active: true }] },
    { currency: 'EUR', budget: 2000n, wallet: 0n, flattrs: [{ recipient: 1, active: true }] },
  ],
  recipients: [{ claimed: false }, { claimed: true }],
};
const HOLD_DAYS = 90;

describe('a person\'s money, both sides', () => {
  const { db } = useSettleWorld(SPEC, { settle: settings() });

  it('shows a supporter their budget, what is left in the wallet and what is not settled yet', async () => {
    await db().$executeRawUnsafe(
      `INSERT INTO flattrs (supporter_id, recipient_identity_id, platform, item, period, occurred_at, status, source_event_id)
       SELECT i.user_id, r.id, 'slack', 'T1:C1:new', '2026-11', '2026-11-02T10:00:00Z', 'active', 'ev-new'
         FROM identities i, identities r WHERE i.external_id = 'T1:S0' AND r.external_id = 'T1:R0'`);
    const person = await loadPersonMoney(db(), 'slack', 'T1:S0', HOLD_DAYS);
    expect(person?.supporter).toEqual({
      currency: 'EUR', budget: { minor: 1000n, currency: 'EUR' }, active: true, platforms: ['slack'],
      wallet: { minor: 2500n, currency: 'EUR' }, owed: [], pendingFlattrs: 1, pendingPeriods: ['2026-11'],
    });
    expect(renderPerson(person!, 'supporter').slice(0, 5)).toEqual([
      expect.stringMatching(/^slack:T1:S0 \(user \d+\)$/),
      'as a supporter',
      '  budget      €10.00 a month, active, on slack',
      '  wallet      €25.00',
      '  flattrs     1 flattr not settled yet (2026-11)',
    ]);
  });

  it('shows an unclaimed creator the escrow waiting and from when it goes back', async () => {
    const person = await loadPersonMoney(db(), 'slack', 'T1:R0', HOLD_DAYS);
    // S0: 10.00 − 1.00 fee split over two flattrs = 4.50; S1: 20.00 − 2.00 = 18.00.
    expect(person?.userId).toBeNull();
    expect(person?.creator.escrow).toEqual([expect.objectContaining({ amount: { minor: 2250n, currency: 'EUR' } })]);
    const [{ created }] = await db().$queryRawUnsafe<[{ created: Date }]>(
      `SELECT min(t.created_at) AS created FROM transfers t WHERE t.period = $1`, PERIOD);
    const returns = person!.creator.escrow[0]!.returnsFrom.getTime();
    expect(Math.abs(returns - (created.getTime() + HOLD_DAYS * 86_400_000))).toBeLessThan(60_000);
    const lines = renderPerson(person!, 'creator');
    expect(lines[0]).toBe('slack:T1:R0 (not joined)');
    expect(lines[2]).toMatch(/^ {2}escrow {6}€22\.50 waiting for slack:T1:R0; it goes back to its supporters from \d{4}-\d\d-\d\d unless claimed \(\/flattr join\)$/);
  });

  it('shows a claimed creator their balance and what the last period brought, counting only charged supporters', async () => {
    const person = await loadPersonMoney(db(), 'slack', 'T1:R1', HOLD_DAYS);
    expect(person?.creator).toEqual({
      balances: [{ minor: 450n, currency: 'EUR' }],
      lastPeriod: { period: PERIOD, received: [{ minor: 450n, currency: 'EUR' }], supporters: 1 },
      escrow: [],
    });
    expect(renderPerson(person!, 'creator').slice(1)).toEqual([
      'as a creator', '  balance     €4.50', `  ${PERIOD}     €4.50 from 1 supporter`, '  escrow      nothing waiting',
    ]);
  });

  it('knows nobody it has never seen, and creates nobody by looking', async () => {
    expect(await loadPersonMoney(db(), 'slack', 'T1:nobody', HOLD_DAYS)).toBeUndefined();
    const [{ n }] = await db().$queryRawUnsafe<[{ n: number }]>(`SELECT count(*)::int AS n FROM identities WHERE external_id = 'T1:nobody'`);
    expect(n).toBe(0);
  });
});
