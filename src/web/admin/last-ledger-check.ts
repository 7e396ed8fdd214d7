import type { Queue } from 'bullmq';
import type { SelfCheck } from '../../ledger/self-check-ledger.js';
import { SETTLE_JOB } from '../../settlement/settle-jobs.js';

/** The latest ledger self-check the settle worker ran: its verdict, or why it could not run. */
export type LastLedgerCheck = {
  at: Date;
  /** "settled" (after a run: `period` says which) or "daily". */
  trigger: string;
  period: string | null;
  /** null: the check itself failed (the database was unreachable, say), `error` says why. */
  result: SelfCheck | null;
  error: string | null;
};

/** Finished jobs looked at, newest first: the settle queue keeps 100 daily checks and a week of post-run ones, beside each period's parent. */
const SCAN = 200;

/**
 * The ledger self-check's last answer, where the hub keeps it: in the
 * finished `ledger-check` jobs of the settle queue (src/ledger/self-check-ledger.ts
 * returns the verdict as the job's result; `flattr_ledger_ok` is only the
 * gauge of the process that ran it, so another process cannot read it).
 * Undefined when none ran yet (a hub whose workers never started).
 */
export async function lastLedgerCheck(queue: Queue): Promise<LastLedgerCheck | undefined> {
  const jobs = await queue.getJobs(['completed', 'failed'], 0, SCAN - 1, false);
  const checks = jobs.filter((j) => j?.name === SETTLE_JOB.ledgerCheck && j.finishedOn);
  const last = checks.sort((a, b) => b.finishedOn! - a.finishedOn!)[0];
  if (!last) return undefined;
  const data = last.data as { trigger?: string; period?: string };
  const failed = Boolean(last.failedReason) && !last.returnvalue;
  return {
    at: new Date(last.finishedOn!), trigger: data.trigger ?? 'unknown', period: data.period ?? null,
    result: failed ? null : (last.returnvalue as SelfCheck), error: failed ? last.failedReason : null,
  };
}
