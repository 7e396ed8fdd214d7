import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextPeriod, periodOf } from '../../src/domain/period.js';
import { runCli } from '../support/cli.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';
import { buildWorld, PERIOD, settings, settlePeriod, type WorldSpec } from './support/settle-world.js';

const flattrs = (...recipients: number[]) => recipients.map((recipient) => ({ recipient, active: true }));

/**
 * S0 pays 30.00 (fee 3.00) over R0, R0, R1: 18.00 to R0, 9.00 to R1 (claimed);
 * S1 pays 10.00 (fee 1.00) to R2; S2 pays 5.00 (fee 0.50) over R3 and R4.
 */
const SPEC: WorldSpec = {
  recipients: [{ claimed: false }, { claimed: true }, { claimed: false }, { claimed: false }, { claimed: false }],
  supporters: [
    { currency: 'EUR', budget: 500n, wallet: 500n, flattrs: flattrs(3, 4) },
    { currency: 'EUR', budget: 3000n, wallet: 5000n, flattrs: flattrs(0, 0, 1) },
    { currency: 'EUR', budget: 1000n, wallet: 1000n, flattrs: flattrs(2) },
  ],
};

function useCliWorld(spec: WorldSpec) {
  const state: { database?: TestDatabase; env?: Record<string, string>; dataDir?: string } = {};
  beforeAll(async () => {
    state.database = await createPostgresDatabase();
    state.dataDir = mkdtempSync(path.join(tmpdir(), 'flattr-report-'));
    state.env = { DATABASE_URL: state.database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(), DATA_DIR: state.dataDir };
    await buildWorld(state.database.prisma, spec);
  });
  afterAll(async () => {
    await state.database?.drop();
    if (state.dataDir) rmSync(state.dataDir, { recursive: true, force: true });
  });
  return { db: () => state.database!.prisma, cli: (...args: string[]) => runCli(args, state.env!) };
}

describe('flattr report for a person', { timeout: 120_000 }, () => {
  const { db, cli } = useCliWorld(SPEC);
  beforeAll(async () => { await settlePeriod(db(), PERIOD, settings()); });

  it("prints settle's totals line, then recipients and supporters largest first, up to --limit, with plurals", async () => {
    const [report, settle] = await Promise.all([cli('report', '--period', PERIOD, '--limit', '2'), cli('settle', '--period', PERIOD)]);
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toBe([
      '2026-10: settled, 3 supporters, 5 recipients',
      '  EUR: charged 45.00, fees 4.50, to creators 9.00, to escrow 31.50, to charity 0.00',
      'recipients, largest first:',
      '  slack:T1:R0  18.00 EUR from 1 supporter (2 flattrs), in escrow (unclaimed)',
      '  slack:T1:R1  9.00 EUR from 1 supporter (1 flattr), credited (claimed)',
      '  … and 3 more',
      'supporters, largest first:',
      '  slack:T1:S1  charged 30.00 EUR, fee 3.00 EUR, 3 flattrs',
      '  slack:T1:S2  charged 10.00 EUR, fee 1.00 EUR, 1 flattr',
      '  … and 1 more',
      '',
    ].join('\n'));
    // The same words for the same money: settle's summary of the settled period.
    expect(settle.code, settle.stderr).toBe(0);
    expect(settle.stdout).toContain('\n  3 supporters settled, 5 recipients\n  EUR: charged 45.00, fees 4.50, to creators 9.00, to escrow 31.50, to charity 0.00\n');
  });

  it('lists everyone within the default limit, and refuses a bad --limit in one line', async () => {
    const [all, bad] = await Promise.all([cli('report', '--period', PERIOD), cli('report', '--period', PERIOD, '--limit', '0')]);
    expect(all.code).toBe(0);
    expect(all.stdout).not.toContain('more');
    expect(all.stdout).toMatch(/^ {2}slack:T1:R[34] {2}2\.25 EUR from 1 supporter \(1 flattr\), in escrow \(unclaimed\)$/m);
    expect(all.stdout).toMatch(/^ {2}slack:T1:S0 {2}charged 5\.00 EUR, fee 0\.50 EUR, 2 flattrs$/m);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('flattr: limit: "0" is not a number of lines: write a whole number from 1, e.g. --limit 50\n');
  });
});

describe('the month before it ends', { timeout: 120_000 }, () => {
  const current = periodOf(new Date(), 'UTC');
  const { db, cli } = useCliWorld({
    recipients: [{ claimed: false }, { claimed: true }],
    supporters: [{ currency: 'EUR', budget: 1000n, wallet: 1000n, flattrs: flattrs(0, 1) }],
  });
  beforeAll(async () => { await db().$executeRawUnsafe(`UPDATE flattrs SET period = $1`, current); });
  const runs = async () => (await db().$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM settlement_runs`))[0]!.n;

  it('settle --dry-run of the current period shows what it would move if it ended now; a real settle is still refused', async () => {
    const [dry, real, future] = await Promise.all([
      cli('settle', '--period', current, '--dry-run'), cli('settle', '--period', current), cli('settle', '--period', nextPeriod(current), '--dry-run'),
    ]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`${current} is still open, so this is what it would move if it ended now`);
    expect(dry.stdout).toContain('\n  1 supporter, 2 flattrs; EUR: charged 10.00, fees 1.00, to creators 4.50, to escrow 4.50, to charity 0.00\n');
    expect(real.code).toBe(1);
    expect(real.stderr).toMatch(new RegExp(`^flattr: period ${current} has not ended yet in UTC`));
    expect(future.code).toBe(1);
    expect(future.stderr).toMatch(new RegExp(`^flattr: period ${nextPeriod(current)} has not started yet in UTC .*\\n$`));
    expect(await runs()).toBe(0);
  });

  it('report of the open period is a preview of its pending flattrs, supporters and recipients, status open', async () => {
    const [human, json] = await Promise.all([cli('report', '--period', current), cli('report', '--period', current, '--json')]);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^${current}: open, 1 supporter, 2 recipients\n  preview: what settling it now would move, with today's budgets and wallets; nothing is charged yet \\(the month closes \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC\\)\n  2 pending flattrs from 1 supporter\n  EUR: charged 10.00, fees 1.00, to creators 4.50, to escrow 4.50, to charity 0.00\n`));
    expect(human.stdout).toContain('  slack:T1:R1  4.50 EUR from 1 supporter (1 flattr), credited (claimed)');
    expect(JSON.parse(json.stdout)).toEqual({
      period: current, status: 'open',
      supporters: [{ identities: [{ platform: 'slack', externalId: 'T1:S0' }], currency: 'EUR', budget: 1000, charged: 1000, fee: 100, flattrs: 2 }],
      recipients: [
        { platform: 'slack', externalId: 'T1:R0', currency: 'EUR', amount: 450, supporters: 1, flattrs: 1, claimed: false },
        { platform: 'slack', externalId: 'T1:R1', currency: 'EUR', amount: 450, supporters: 1, flattrs: 1, claimed: true },
      ],
      totals: [{ currency: 'EUR', charged: 1000, fees: 100, credited: 450, escrowed: 450 }],
    });
    expect(await runs()).toBe(0);
  });
});
