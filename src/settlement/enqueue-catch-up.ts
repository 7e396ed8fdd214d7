import type { Queue } from 'bullmq';
import { CATCH_UP_JOB_ID, SETTLE_JOB } from './settle-jobs.js';

/**
 * Starts the settlement catch-up (catch-up-settlements.ts): at every monthly
 * period close, and when a worker hub starts, so a hub that was down over a
 * month end settles what it missed without waiting for the next tick. One
 * runs at a time (a fixed job id, removed when it ends); a second request
 * while one runs is the same job, which reads the periods afresh at each step.
 */
export async function enqueueCatchUp(queue: Queue, trigger: 'tick' | 'start'): Promise<void> {
  await queue.add(SETTLE_JOB.catchUp, { trigger }, {
    jobId: CATCH_UP_JOB_ID, attempts: 5, backoff: { type: 'exponential', delay: 5000 }, removeOnComplete: true, removeOnFail: true,
  });
}
