import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/queues.js';
import { enqueueSettlement } from '../../src/settlement/enqueue-settlement.js';
import { createLogger } from '../../src/support/logger.js';
import { createSettleWorker } from '../../workers/settle.worker.js';
import { runCli, type CliResult } from '../support/cli.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';
import { buildWorld, PERIOD, settings, TEST_CONNECTION, type WorldSpec } from './support/settle-world.js';

const BIN = fileURLToPath(new URL('../../bin/flattr.js', import.meta.url));
const SPEC: WorldSpec = {
  recipients: [{ claimed: false }, { claimed: true }],
  supporters: Array.from({ length: 4 }, () => ({ currency: 'EUR', budget: 1000n, wallet: 1000n, flattrs: [{ recipient: 0, active: true }, { recipient: 1, active: true }] })),
};

/** The real bin, calling `onOutput` with everything it printed so far each time it prints. */
function runCliWatching(args: string[], env: Record<string, string>, onOutput: (stdout: string) => void): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); onOutput(stdout); });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/**
 * A run someone else has going (here a worker in this process, held in the
 * middle of its batches by a stage hook): `flattr settle` says so, waits for
 * it and prints its summary; with --no-wait it refuses in one line.
 */
describe('flattr settle beside a run in progress', { timeout: 120_000 }, () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let dataDir: string;
  const prefix = randomQueuePrefix();
  beforeAll(async () => {
    database = await createPostgresDatabase();
    dataDir = await mkdtemp(path.join(tmpdir(), 'flattr-wait-'));
    env = { DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, DATA_DIR: dataDir };
    await buildWorld(database.prisma, SPEC);
  });
  afterAll(async () => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('waits for the run and prints its summary; --no-wait refuses; flattr periods shows it running', async () => {
    let reached!: () => void;
    const atHold = new Promise<void>((r) => { reached = r; });
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let holding = false;
    const settle = createSettleWorker({
      db: database.prisma, connection: TEST_CONNECTION, prefix, settings: settings({ batchSize: 2 }), concurrency: 1, logger: createLogger('silent'),
      onStage: async (stage) => {
        if (stage !== 'batch-committed' || holding) return;
        holding = true;
        reached();
        await held;
      },
    });
    const queue = new Queue(QUEUES.settle, { connection: TEST_CONNECTION, prefix });
    try {
      await enqueueSettlement(queue, PERIOD, { by: 'ana (test)' });
      await atHold;

      const [refused, periods] = await Promise.all([runCli(['settle', '--period', PERIOD, '--no-wait'], env), runCli(['periods', '--json'], env)]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/^flattr: a settlement of 2026-10 is already running \(started (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC by ana \(test\); job settle-2026-10 is waiting-children\); run "flattr settle --period 2026-10" without --no-wait to wait for it, or watch it on \/admin\/queues\n$/);
      expect(JSON.parse(periods.stdout).periods).toContainEqual(expect.objectContaining({
        period: PERIOD, status: 'running', run: expect.objectContaining({ status: 'running', supporters: 4, settled: 2 }),
      }));

      let released = false;
      const waited = await runCliWatching(['settle', '--period', PERIOD], env, (stdout) => {
        if (!released && stdout.includes('waiting for it')) {
          released = true;
          release();
        }
      });
      expect(waited.code, waited.stderr).toBe(0);
      expect(waited.stdout).toMatch(/^a run of 2026-10 is in progress \(started (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC by ana \(test\)\), waiting for it\nsettled 2026-10 in [\d.]+ s\n {2}4 supporters settled, 2 recipients\n {2}EUR: charged 40\.00, fees 4\.00, to creators 18\.00, to escrow 18\.00, to charity 0\.00\n {2}ledger self-check: \d+ invariants hold\n$/);
      const [run] = await database.prisma.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM settlement_runs`);
      expect(run!.status).toBe('settled');
    } finally {
      release();
      await settle.close();
      await queue.close();
    }
  });
});
