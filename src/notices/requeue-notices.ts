import type { Queue } from 'bullmq';
import type { Db } from '../db/database.js';
import { parsePeriod } from '../domain/period.js';
import { deriveNotices, periodState } from './derive-notices.js';
import { enqueueNoticeSends, loadOpenNotices, type OpenNotice, type SendRetry } from './enqueue-notices.js';
import { NoticesNotReadyError } from './notices-not-ready-error.js';
import type { PlanOptions } from './plan-digests.js';

/**
 * `flattr notify`: a settled period's notices that are still to send, and
 * those that failed for a reason that may have passed (attempts ran out on
 * 5xx or timeouts), queued again. Derives the period first if nobody has.
 * A retryable failure goes back to pending before its job is queued again,
 * so it is sent by the same path, once; a sent, skipped or permanently
 * failed notice is never touched.
 */
export async function requeueNotices(db: Db, queue: Queue, rawPeriod: string, o: Omit<PlanOptions, 'now'> & { now?: Date; retry?: SendRetry }): Promise<OpenNotice[]> {
  const period = parsePeriod(rawPeriod);
  const state = await periodState(db, period);
  if (state.status !== 'settled') throw new NoticesNotReadyError(period, state.status);
  if (!state.derived) await deriveNotices(db, period, o);
  await db.$executeRawUnsafe(
    `UPDATE notifications SET status = 'pending', retryable = false WHERE period = $1 AND status = 'failed' AND retryable`, period,
  );
  const open = await loadOpenNotices(db, { period });
  await enqueueNoticeSends(queue, open, { replaceFailed: true, retry: o.retry });
  return open;
}
