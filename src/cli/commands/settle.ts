import type { Job } from 'bullmq';
import type { Db } from '../../db/database.js';
import { toDecimalString } from '../../domain/money.js';
import { QUEUES } from '../../queues.js';
import type { Runtime } from '../../runtime.js';
import { buildReport } from '../../settlement/build-report.js';
import { enqueueSettlement, isInProgress } from '../../settlement/enqueue-settlement.js';
import type { SelfCheck } from '../../ledger/self-check-ledger.js';
import { SettlementFailedError, SettlementInProgressError } from '../../settlement/errors.js';
import { assertPeriodEnded } from '../../settlement/period-guard.js';
import { previewSettlement } from '../../settlement/preview-settlement.js';
import { settlementSettings } from '../../settlement/settings-from-config.js';
import { waitForSettlement, type SettlementOutcome } from '../../settlement/wait-for-settlement.js';
import { createSettleWorker } from '../../../workers/settle.worker.js';
import { endProgress, out, progress } from '../output.js';

/**
 * `flattr settle --period YYYY-MM [--dry-run]`. Refuses a malformed or
 * unfinished period before touching anything. Otherwise queues the period's
 * settle job (or resumes a failed or orphaned one), runs the settle worker in
 * this process when no hub consumes `settle`, shows progress, and returns once
 * the period is settled and committed and the ledger self-check that follows
 * every run has answered. A run already being worked on by a live worker is
 * refused: one run per period.
 */
export async function settleCommand(runtime: Runtime, o: { period: string; dryRun?: boolean }): Promise<number> {
  const settings = settlementSettings(runtime.config);
  const period = assertPeriodEnded(o.period, settings, new Date());
  const { prisma, kind } = await runtime.db();
  if (o.dryRun) return printPreview(prisma, period, settings);
  if ((await runStatus(prisma, period)) === 'settled') {
    out(`${period} is already settled; nothing to do`);
    await printSummary(prisma, period);
    return 0;
  }

  const queue = await runtime.queue(QUEUES.settle);
  const workers = await queue.getWorkersCount();
  const enqueued = await enqueueSettlement(queue, period, { replaceCompleted: true });
  if (!enqueued.mine && isInProgress(enqueued.state) && workers > 0) {
    throw new SettlementInProgressError(period, `job ${enqueued.job.id} is ${enqueued.state}`);
  }
  if (workers === 0) {
    const { config } = runtime;
    const settle = createSettleWorker({
      db: prisma, connection: await runtime.workerConnection(), prefix: config.redis.queuePrefix, settings,
      concurrency: config.settlement.concurrency, concurrentOpen: kind === 'postgres',
      lockMs: config.settlement.lockSeconds * 1000, logger: runtime.logger.child({ worker: 'settle' }), metrics: runtime.metrics,
    });
    runtime.onClose(() => settle.close());
    runtime.logger.info('no hub is consuming settle: running the settle worker in this process');
  }

  const started = Date.now();
  let outcome: SettlementOutcome;
  try {
    outcome = await waitForSettlement(queue, period, (enqueued.job as Job).id!, {
      intervalMs: 250,
      onPoll: async (state) => {
        const p = await runProgress(prisma, period);
        progress(`settle ${period}: ${p.settled}/${p.supporters} supporters settled (${state}, ${Math.round((Date.now() - started) / 100) / 10} s)`);
      },
    });
  } catch (error) {
    if (!(error instanceof SettlementFailedError)) throw error;
    process.stderr.write(`flattr: ${error.message}\n`);
    return 1;
  } finally {
    endProgress();
  }
  out(`settled ${period} in ${Math.round((Date.now() - started) / 100) / 10} s`);
  await printSummary(prisma, period);
  return reportSelfCheck(period, outcome.selfCheck);
}

/**
 * The ledger self-check that followed the run. A broken invariant exits 1 so
 * a scheduled `flattr settle` alerts someone, but the period stays settled:
 * the check only reads.
 */
function reportSelfCheck(period: string, check: SelfCheck | null): number {
  if (!check) return 0;
  if (check.ok) {
    out(`  ledger self-check: ${check.checks} invariants hold`);
    return 0;
  }
  for (const b of check.broken) {
    process.stderr.write(`flattr: ${period} is settled, but the ledger self-check found "${b.check}" broken: ${b.invariant} (${b.detail}); run "flattr ledger verify"\n`);
  }
  return 1;
}

async function runStatus(db: Db, period: string): Promise<string | undefined> {
  const [row] = await db.$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM settlement_runs WHERE period = $1`, period);
  return row?.status;
}

async function runProgress(db: Db, period: string): Promise<{ status: string; supporters: number; settled: number }> {
  const [row] = await db.$queryRawUnsafe<{ status: string | null; supporters: number | null; settled: number }[]>(
    `SELECT (SELECT status FROM settlement_runs WHERE period = $1) AS status, (SELECT supporters FROM settlement_runs WHERE period = $1) AS supporters,
            (SELECT count(*)::int FROM supporter_settlements WHERE period = $1) AS settled`, period);
  return { status: row?.status ?? 'open', supporters: row?.supporters ?? 0, settled: row?.settled ?? 0 };
}

async function printSummary(db: Db, period: string): Promise<void> {
  const report = await buildReport(db, period);
  out(`  supporters settled ${report.supporters.length}, recipients ${report.recipients.length}`);
  for (const t of report.totals) {
    const m = (minor: bigint) => toDecimalString({ minor, currency: t.currency });
    out(`  ${t.currency}: charged ${m(t.charged)}, fees ${m(t.fees)}, to creators ${m(t.credited)}, to escrow ${m(t.escrowed)}, to charity ${m(t.charged - t.fees - t.credited - t.escrowed)}`);
  }
}

async function printPreview(db: Db, period: string, settings: ReturnType<typeof settlementSettings>): Promise<number> {
  const status = await runStatus(db, period);
  const preview = await previewSettlement(db, period, settings);
  out(`dry run: settling ${period} now would move (nothing written)${status ? `; note: its run is already ${status}` : ''}`);
  if (preview.totals.length === 0) out('  nothing: no supporter has an active flattr in this period');
  for (const t of preview.totals) {
    const m = (minor: bigint) => toDecimalString({ minor, currency: t.currency });
    out(`  ${t.currency}: ${t.supporters} supporters, ${t.flattrs} flattrs; charged ${m(t.charged)}, fees ${m(t.fees)}, to creators ${m(t.credited)}, to escrow ${m(t.escrowed)}, to charity ${m(t.charity)}`);
  }
  return 0;
}
