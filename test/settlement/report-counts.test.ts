import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/queues.js';
import { runCli } from '../support/cli.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';
import { buildWorld, PERIOD, type WorldSpec } from './support/settle-world.js';

/**
 * Money rule 11: a recipient's supporters and flattrs count only the flattrs
 * of supporters charged in the period (charged > 0), whatever each share came
 * to; a recipient flattred only by supporters with empty wallets is not listed.
 */
const SPEC: WorldSpec = {
  // R0 unclaimed, R1 claimed, R2 flattred only by empty wallets, R3/R4 share a 1-cent split.
  recipients: [{ claimed: false }, { claimed: true }, { claimed: false }, { claimed: false }, { claimed: false }],
  supporters: [
    // S0: charged 35.00, fee 3.50, 31.50 over three flattrs (10.50 each).
    { currency: 'EUR', budget: 3500n, wallet: 5000n, flattrs: [{ recipient: 0, active: true }, { recipient: 0, active: true }, { recipient: 1, active: true }] },
    // S1, S2: empty wallets, so not charged: their flattrs count for nobody.
    { currency: 'EUR', budget: 3500n, wallet: 0n, flattrs: [{ recipient: 0, active: true }, { recipient: 2, active: true }] },
    { currency: 'EUR', budget: 1000n, wallet: 0n, flattrs: [{ recipient: 2, active: true }, { recipient: 1, active: true }] },
    // S3: charged 0.01, no fee, split over two flattrs: one gets 0.01, the other 0.00 and still counts.
    { currency: 'EUR', budget: 1n, wallet: 1n, flattrs: [{ recipient: 3, active: true }, { recipient: 4, active: true }] },
  ],
};

describe('flattr report counts only charged supporters (rule 11)', { timeout: 240_000 }, () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let dataDir: string;
  const prefix = randomQueuePrefix();

  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'flattr-report-'));
    env = { DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, DATA_DIR: dataDir };
    await buildWorld(database.prisma, SPEC);
    const settled = await runCli(['settle', '--period', PERIOD], env);
    expect(settled.code, settled.stderr).toBe(0);
  });
  afterAll(async () => {
    const queue = new Queue(QUEUES.settle, { connection: { url: TEST_REDIS_URL }, prefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists in the JSON only recipients of charged supporters, counting their flattrs, zero shares included', async () => {
    const { code, stdout } = await runCli(['report', '--period', PERIOD, '--json'], env);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as { recipients: { externalId: string; amount: number; supporters: number; flattrs: number; claimed: boolean }[] };
    const byId = new Map(report.recipients.map((r) => [r.externalId, r]));
    expect([...byId.keys()]).toEqual(['T1:R0', 'T1:R1', 'T1:R3', 'T1:R4']);
    expect(byId.get('T1:R0')).toMatchObject({ amount: 2100, supporters: 1, flattrs: 2, claimed: false });
    expect(byId.get('T1:R1')).toMatchObject({ amount: 1050, supporters: 1, flattrs: 1, claimed: true });
    // Which of the two gets the cent is the md5 order's choice; both count.
    expect([byId.get('T1:R3')!.amount, byId.get('T1:R4')!.amount].sort()).toEqual([0, 1]);
    for (const id of ['T1:R3', 'T1:R4']) expect(byId.get(id)).toMatchObject({ supporters: 1, flattrs: 1 });
  });

  it('prints each listed recipient with those counts in the human report', async () => {
    const { code, stdout } = await runCli(['report', '--period', PERIOD], env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^2026-10: settled, 4 supporters, 4 recipients$/m);
    expect(stdout).toMatch(/^ {2}slack:T1:R0 {2}21\.00 EUR from 1 supporter \(2 flattrs\), in escrow \(unclaimed\)$/m);
    expect(stdout).toMatch(/^ {2}slack:T1:R1 {2}10\.50 EUR from 1 supporter \(1 flattr\), credited \(claimed\)$/m);
    expect(stdout).toMatch(/^ {2}slack:T1:R[34] {2}0\.00 EUR from 1 supporter \(1 flattr\), in escrow \(unclaimed\)$/m);
    expect(stdout).not.toContain('T1:R2');
  });
});
