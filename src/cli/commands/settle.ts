import { hostname, userInfo } from 'node:os';
import type { Job } from 'bullmq';
import type { Db } from '../../db/database.js';
import { QUEUES } from '../../queues.js';
import type { Runtime } from '../../runtime.js';
import { buildReport } from '../../settlement/build-report.js';
import { describeRun } from '../../settlement/describe-run.js';
import { enqueueSettlement, isInProgress } from '../../settlement/enqueue-settlement.js';
import type { SelfCheck } from '../../ledger/self-check-ledger.js';
import { OlderPeriodPendingError, SettlementFailedError, SettlementInProgressError } from '../../settlement/errors.js';
import { listPeriods } from '../../settlement/list-periods.js';
import type { SettlementSettings } from '../../settlement/open-run.js';
import { assertPeriodEnded, assertPeriodStarted, settleableAt } from '../../settlement/period-guard.js';
import { previewSettlement } from '../../settlement/preview-settlement.js';
import { settlementSettings } from '../../settlement/settings-from-config.js';
import { waitForSettlement, type SettlementOutcome } from '../../settlement/wait-for-settlement.js';
import { createSettleWorker } from '../../../workers/settle.worker.js';
import { endProgress, out, progress } from '../output.js';
import { formatTotals, formatWhen, plural } from '../settlement-format.js';

/**
 * `flattr settle --period YYYY-MM [--dry-run] [--no-wait]`. Refuses a
 * malformed or unfinished period, or one with an older period still to
 * settle, before touching anything. Otherwise queues the period's settle job
 * (or resumes a failed or orphaned one), runs the settle worker in this
 * process when no hub consumes `settle`, shows progress, and returns once
 * the period is settled and committed and the ledger self-check that follows
 * every run has answered. A run someone else has going (another operator,
 * the period-close job, a restarted hub resuming a crashed run) is one run
 * per period: it is waited for and summarised, or, with --no-wait, refused.
 * A dry run may look at the current month: what it would move if it ended now.
 */
export async function settleCommand(runtime: Runtime, o: { period: string; dryRun?: boolean; wait?: boolean }): Promise<number> {
  const settings = settlementSettings(runtime.config);
  const now = new Date();
  if (o.dryRun) {
    const period = assertPeriodStarted(o.period, settings, now);
    return printPreview((await runtime.db()).prisma, period, settings, now);
  }
  const period = assertPeriodEnded(o.period, settings, now);
  const { prisma, kind } = await runtime.db();
  const status = await runStatus(prisma, period);
  if (status === 'settled') {
    out(`${period} is already settled; nothing to do`);
    await printSummary(prisma, period);
    return 0;
  }
  if (!status) await assertNoOlderPending(prisma, period, settings, now);

  const queue = await runtime.queue(QUEUES.settle);
  const workers = await queue.getWorkersCount();
  const enqueued = await enqueueSettlement(queue, period, { replaceCompleted: true, by: requester() });
  if (!enqueued.mine && isInProgress(enqueued.state)) {
    const run = await describeRun(prisma, enqueued.job);
    const since = `${run.opened ? 'started' : 'queued'} ${formatWhen(run.since, settings.timeZone, now)} by ${run.by}`;
    if (workers > 0 && o.wait === false) throw new SettlementInProgressError(period, `${since}; job ${enqueued.job.id} is ${enqueued.state}`);
    out(workers > 0
      ? `a run of ${period} is in progress (${since}), waiting for it`
      : `a run of ${period} is unfinished and no hub is working on it (${since}): resuming it here`);
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

/** Who asks, written on the job for whoever finds the run going: user, machine and process, nothing secret. */
function requester(): string {
  let user = 'unknown';
  try { user = userInfo().username; } catch { /* no passwd entry (containers) */ }
  return `flattr settle (${user}@${hostname()}, pid ${process.pid})`;
}

/**
 * Periods settle oldest first (period-close.ts: duePeriods): opening a newer
 * run while an older closed period still has flattrs to settle would let the
 * newer month spend the wallets first.
 */
async function assertNoOlderPending(db: Db, period: string, settings: SettlementSettings, now: Date): Promise<void> {
  const rows = await listPeriods(db, settings, now, { exact: false });
  const older = rows.find((r) => r.period < period && r.closed && (r.run ? r.run.status === 'running' : r.pending.flattrs > 0));
  if (!older) return;
  throw new OlderPeriodPendingError(period, older.period, older.run ? 'its run is not finished' : 'has active flattrs and no run');
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
  out(`  ${plural(report.supporters.length, 'supporter')} settled, ${plural(report.recipients.length, 'recipient')}`);
  for (const t of report.totals) out(`  ${formatTotals(t)}`);
}

async function printPreview(db: Db, period: string, settings: SettlementSettings, now: Date): Promise<number> {
  const status = await runStatus(db, period);
  const preview = await previewSettlement(db, period, settings, now);
  const closesAt = settleableAt(period, settings);
  const open = now < closesAt ? `; ${period} is still open, so this is what it would move if it ended now (it closes ${formatWhen(closesAt, settings.timeZone)})` : '';
  out(`dry run: settling ${period} now would move (nothing written${open})${status ? `; note: its run is already ${status}` : ''}`);
  if (preview.totals.length === 0) out('  nothing: no supporter has an active flattr in this period');
  for (const t of preview.totals) {
    out(`  ${plural(t.supporters, 'supporter')}, ${plural(t.flattrs, 'flattr')}; ${formatTotals(t)}`);
  }
  return 0;
}
