import type { Queue } from 'bullmq';
import type { SelfCheck } from '../ledger/self-check-ledger.js';
import { SettlementFailedError } from './errors.js';

export type SettlementOutcome = {
  /** The ledger self-check that followed the run, or null when the run was already settled (nothing ran) or it was not awaited. */
  selfCheck: SelfCheck | null;
};
export type WaitOptions = {
  /** Called on every poll of the parent job with its state (progress display). */
  onPoll?: (state: string) => void | Promise<void>;
  intervalMs?: number;
  /** Wait for the self-check the run queued as well (default); the bench times the run alone. */
  selfCheck?: boolean;
};

/**
 * Waits for the parent settle job of a period, through its retries, until it
 * completes (then for the ledger self-check it queued) or fails for good
 * (SettlementFailedError, with the job's reason). Whoever runs the worker (a
 * hub, or this process), the wait is the same.
 */
export async function waitForSettlement(queue: Queue, period: string, jobId: string, options: WaitOptions = {}): Promise<SettlementOutcome> {
  const run = await finished(queue, jobId, options);
  if (run.failed !== undefined) throw new SettlementFailedError(period, run.failed);
  const selfCheckId = (run.value as { selfCheck?: string | null } | undefined)?.selfCheck;
  if (options.selfCheck === false || !selfCheckId) return { selfCheck: null };
  const check = await finished(queue, selfCheckId, { intervalMs: options.intervalMs });
  // The run is settled whatever became of its check: this reports the check, not the run.
  if (check.failed !== undefined) throw new Error(`${period} is settled, but its ledger self-check failed: ${check.failed}`);
  return { selfCheck: check.value as SelfCheck };
}

async function finished(queue: Queue, id: string, options: WaitOptions): Promise<{ value?: unknown; failed?: string }> {
  for (;;) {
    const state = await queue.getJobState(id);
    await options.onPoll?.(state);
    if (state === 'completed') return { value: (await queue.getJob(id))?.returnvalue };
    if (state === 'failed') return { failed: (await queue.getJob(id))?.failedReason ?? 'unknown reason' };
    if (state === 'unknown') return { failed: `job ${id} is no longer on the settle queue (removed)` };
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 50));
  }
}
