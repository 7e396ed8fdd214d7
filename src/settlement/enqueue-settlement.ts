import { randomUUID } from 'node:crypto';
import type { Job, Queue } from 'bullmq';
import { SETTLE_JOB, settleJobId, type SettleJob } from './settle-jobs.js';

export type Enqueued = { job: Job<SettleJob>; mine: boolean; state: string };

const IN_PROGRESS = new Set(['active', 'waiting', 'waiting-children', 'delayed', 'prioritized']);

/**
 * Puts the parent settle job of a period on the queue, once: its job id is
 * `settle-YYYY-MM`, so a second request while one is queued or running gets
 * the existing job back with `mine: false`. A failed run is retried (it
 * resumes); a completed job is replaced only when asked (the database, not
 * BullMQ, says whether the period is settled). `by` says who asked, shown
 * to whoever finds the run going.
 */
export async function enqueueSettlement(queue: Queue, period: string, options: { replaceCompleted?: boolean; by?: string } = {}): Promise<Enqueued> {
  const id = settleJobId(period);
  const existing = (await queue.getJob(id)) as Job<SettleJob> | undefined;
  if (existing) {
    const state = await existing.getState();
    if (IN_PROGRESS.has(state)) return { job: existing, mine: false, state };
    if (state === 'failed') {
      await existing.retry('failed');
      return { job: existing, mine: true, state: 'waiting' };
    }
    if (state === 'completed' && !options.replaceCompleted) return { job: existing, mine: false, state };
    await existing.remove().catch(() => undefined);
  }
  const requestId = randomUUID();
  await queue.add(SETTLE_JOB.settle, { period, requestId, ...(options.by ? { by: options.by.slice(0, 200) } : {}) }, {
    jobId: id, attempts: 5, backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { age: 90 * 24 * 3600 }, removeOnFail: false,
  });
  // Two requests racing: the job that exists is the one whose requestId it carries.
  const stored = (await queue.getJob(id)) as Job<SettleJob> | undefined;
  const mine = stored?.data.requestId === requestId;
  return { job: stored!, mine, state: stored ? await stored.getState() : 'unknown' };
}

export function isInProgress(state: string): boolean {
  return IN_PROGRESS.has(state);
}
