import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/queues.js';
import { settleJobId } from '../../src/settlement/settle-jobs.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';
import { buildWorld, type WorldSpec } from './support/settle-world.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SPEC: WorldSpec = {
  recipients: [{ claimed: false }, { claimed: true }],
  supporters: [{ currency: 'EUR', budget: 3500n, wallet: 5000n, flattrs: Array.from({ length: 10 }, (_, i) => ({ recipient: i, active: true })) }],
};

type Result = { code: number; stdout: string; stderr: string };

/** The `flattr` binary end to end, without a hub: the commands run the settle worker in-process. */
describe('flattr settle / report / ledger verify (CLI)', () => {
  let database: TestDatabase;
  let dataDir: string;
  const prefix = randomQueuePrefix();
  const flattr = (...args: string[]) => new Promise<Result>((resolve) => {
    execFile(process.execPath, ['bin/flattr.js', ...args], {
      cwd: ROOT, env: { ...process.env, DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
  const runs = async () => (await database.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM settlement_runs`))[0]!.n;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'flattr-cli-'));
    await buildWorld(database.prisma, SPEC);
  });
  afterAll(async () => {
    const queue = new Queue(QUEUES.settle, { connection: { url: TEST_REDIS_URL }, prefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses a period that has not ended or is malformed, writing nothing', async () => {
    const future = await flattr('settle', '--period', '2999-01');
    expect(future.code).toBe(1);
    expect(future.stderr).toMatch(/2999-01 has not ended yet in UTC/);
    const malformed = await flattr('settle', '--period', '2026-1');
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/is not a period: write YYYY-MM/);
    expect(await runs()).toBe(0);
  });

  it('with --no-wait, refuses a second run while a live worker is on the period, in one line, writing nothing', async () => {
    const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
    const queue = new Queue(QUEUES.settle, { connection, prefix });
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    const busy = new Worker(QUEUES.settle, () => held, { connection, prefix });
    try {
      await queue.add('settle', { period: '2026-10' }, { jobId: settleJobId('2026-10') });
      const second = await flattr('settle', '--period', '2026-10', '--no-wait');
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/^flattr: a settlement of 2026-10 is already running \(queued .* by someone else; job settle-2026-10 is active\); run "flattr settle --period 2026-10" without --no-wait to wait for it, or watch it on \/admin\/queues\n$/);
      expect(await runs()).toBe(0);
    } finally {
      release();
      await busy.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('settles with a dry run first, then for real; reports the shape of docs/contracts.md; the ledger verifies', async () => {
    const dry = await flattr('settle', '--period', '2026-10', '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/ {2}1 supporter, 10 flattrs; EUR: charged 35.00, fees 3.50, to creators 15.75, to escrow 15.75, to charity 0.00\n/);
    expect(await runs()).toBe(0);

    const settled = await flattr('settle', '--period', '2026-10');
    expect(settled.code).toBe(0);
    expect(settled.stdout).toMatch(/settled 2026-10 in/);
    expect(settled.stdout).toMatch(/EUR: charged 35.00, fees 3.50, to creators 15.75, to escrow 15.75, to charity 0.00/);
    // Every run is followed by the ledger self-check, here by the in-process worker before the command returns.
    expect(settled.stdout).toMatch(/ledger self-check: \d+ invariants hold/);

    const report = await flattr('report', '--period', '2026-10', '--json');
    expect(report.code).toBe(0);
    expect(JSON.parse(report.stdout)).toEqual({
      period: '2026-10', status: 'settled',
      supporters: [{ identities: [{ platform: 'slack', externalId: 'T1:S0' }], currency: 'EUR', budget: 3500, charged: 3500, fee: 350, flattrs: 10 }],
      recipients: [
        { platform: 'slack', externalId: 'T1:R0', currency: 'EUR', amount: 1575, supporters: 1, flattrs: 5, claimed: false },
        { platform: 'slack', externalId: 'T1:R1', currency: 'EUR', amount: 1575, supporters: 1, flattrs: 5, claimed: true },
      ],
      totals: [{ currency: 'EUR', charged: 3500, fees: 350, credited: 1575, escrowed: 1575 }],
    });

    const again = await flattr('settle', '--period', '2026-10');
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/already settled/);

    const ok = await flattr('ledger', 'verify');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/ledger ok: \d+ invariants hold/);
    await database.prisma.$executeRawUnsafe(`UPDATE supporter_settlements SET fee = fee + 1`);
    const bad = await flattr('ledger', 'verify');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/ledger invariant broken: fee exactly F/);
  }, 120_000);

  it('exits 1 naming the broken check when the self-check after the run finds the ledger broken; the period stays settled', async () => {
    const other = await createPostgresDatabase();
    try {
      await buildWorld(other.prisma, SPEC);
      await other.prisma.$executeRawUnsafe(`INSERT INTO transfers (id, kind, idempotency_key) VALUES (900, 'adjustment', 'planted')`);
      await other.prisma.$executeRawUnsafe(`INSERT INTO entries (transfer_id, account_id, currency, amount) SELECT 900, id, currency, 5 FROM accounts WHERE kind = 'wallet' LIMIT 1`);
      const settled = await new Promise<Result>((resolve) => {
        execFile(process.execPath, ['bin/flattr.js', 'settle', '--period', '2026-10'], {
          cwd: ROOT, env: { ...process.env, DATABASE_URL: other.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(), DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
        }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
      });
      expect(settled.stdout).toMatch(/settled 2026-10 in/);
      expect(settled.stderr).toMatch(/2026-10 is settled, but the ledger self-check found "transfers_balance" broken: every transfer sums to zero per currency \(transfer 900 sums to 5 EUR\)/);
      expect(settled.code).toBe(1);
      const [run] = await other.prisma.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM settlement_runs`);
      expect(run!.status).toBe('settled');
    } finally {
      await other.drop();
    }
  }, 120_000);
});
