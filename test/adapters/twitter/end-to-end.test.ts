import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditWallet } from '../../../src/wallet/credit-wallet.js';
import { runCli } from '../../support/cli.js';
import { realMonths } from '../../support/real-months.js';
import { startXHub, type XHub } from './x-harness.js';

/**
 * X end to end: signed webhook deliveries for two supporters last month, the
 * period settled by the hub's own settle worker through `flattr settle`, and
 * `flattr report --json` to the cent (money rules 5 to 8: fee 10 %, budget
 * split evenly, unclaimed creators' shares in escrow).
 */
describe('X end to end: webhook likes → settle → report', () => {
  let h: XHub;
  // `flattr settle` reads the real clock: no grace, so last month settles even in a month's first hour.
  beforeAll(async () => { h = await startXHub({ env: { SETTLEMENT_GRACE_MINUTES: '0' } }); });
  afterAll(async () => { await h?.close(); });

  it('settles two supporters\' X likes exactly', async () => {
    const db = h.database.prisma;
    const [alice, dave, bob, carol] = ['e2e-alice', 'e2e-dave', 'e2e-bob', 'e2e-carol'].map(h.xId);
    await h.supporter('e2e-alice', '10.00');
    await h.supporter('e2e-dave', '7.00');
    await creditWallet(db, { platform: 'twitter', externalId: alice!, amount: '10.00' });
    await creditWallet(db, { platform: 'twitter', externalId: dave!, amount: '7.00' });
    const { previous: period, at } = realMonths(h.now());
    const lastMonth = (day: number) => new Date(at(period, (day - 1) * 24 + 12));
    const likes = [
      { subscriber: alice!, author: bob!, tweet: h.xId('tweet:e2e-1'), at: lastMonth(3) },
      { subscriber: alice!, author: bob!, tweet: h.xId('tweet:e2e-2'), at: lastMonth(9) },
      { subscriber: alice!, author: carol!, tweet: h.xId('tweet:e2e-3'), at: lastMonth(20) },
      { subscriber: dave!, author: bob!, tweet: h.xId('tweet:e2e-1'), at: lastMonth(21), eventId: 'e2e-dave-like' },
    ];
    expect(await h.driver.deliverXaaLike(likes[0]!)).toBe(200);
    expect(await h.driver.deliverLegacyFavorite(likes[1]!)).toBe(200);
    expect(await h.driver.deliverXaaLike(likes[2]!)).toBe(200);
    expect(await h.driver.deliverXaaLike(likes[3]!)).toBe(200);
    expect(await h.driver.deliverXaaLike(likes[3]!)).toBe(200); // X redelivers: one flattr
    expect((await h.drain()).active).toHaveLength(4);

    const config = h.hub.runtime.config;
    const env = { DATABASE_URL: h.database.url!, REDIS_URL: config.redis.url!, QUEUE_PREFIX: config.redis.queuePrefix, DATA_DIR: config.dataDir, SETTLEMENT_GRACE_MINUTES: '0' };
    const settled = await runCli(['settle', '--period', period], env);
    expect(settled.code, settled.stderr).toBe(0);
    expect(settled.stdout).toContain(`settled ${period} in`);
    const report = await runCli(['report', '--period', period, '--json'], env);
    expect(report.code).toBe(0);
    const json = JSON.parse(report.stdout) as Record<string, unknown>;
    expect(json).toEqual({
      period, status: 'settled',
      supporters: [
        { identities: [{ platform: 'twitter', externalId: alice }], currency: 'EUR', budget: 1000, charged: 1000, fee: 100, flattrs: 3 },
        { identities: [{ platform: 'twitter', externalId: dave }], currency: 'EUR', budget: 700, charged: 700, fee: 70, flattrs: 1 },
      ],
      recipients: [
        // bob: 300 + 300 from alice (900 split three ways), 630 from dave.
        { platform: 'twitter', externalId: bob, currency: 'EUR', amount: 1230, supporters: 2, flattrs: 3, claimed: false },
        { platform: 'twitter', externalId: carol, currency: 'EUR', amount: 300, supporters: 1, flattrs: 1, claimed: false },
      ],
      totals: [{ currency: 'EUR', charged: 1700, fees: 170, credited: 0, escrowed: 1530 }],
    });
    expect((await runCli(['ledger', 'verify'], env)).code).toBe(0);
  });
});
