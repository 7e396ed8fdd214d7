import { Queue } from 'bullmq';
import { QUEUES } from '../src/queues.js';
import { enqueueSettlement } from '../src/settlement/enqueue-settlement.js';
import { assertPeriodEnded } from '../src/settlement/period-guard.js';
import { waitForSettlement, type SettlementOutcome, type WaitOptions } from '../src/settlement/wait-for-settlement.js';
import { createSettleWorker, type SettleWorkerDeps } from './settle.worker.js';

/**
 * Settles a period with the real settle worker running in this process:
 * refuses a period that cannot be settled yet, queues (or resumes) its parent
 * job, waits for it and its self-check, and stops the worker. What `flattr
 * settle` does without a hub, and what tests and the bench drive; there is no
 * other way to run the stages (settlement-stages.ts).
 */
export async function settleInProcess(deps: SettleWorkerDeps, period: string, options: WaitOptions = {}): Promise<SettlementOutcome> {
  const checked = assertPeriodEnded(period, deps.settings, deps.now?.() ?? new Date());
  const queue = new Queue(QUEUES.settle, { connection: deps.connection, prefix: deps.prefix });
  const settle = createSettleWorker(deps);
  try {
    const { job } = await enqueueSettlement(queue, checked, { replaceCompleted: true });
    return await waitForSettlement(queue, checked, job.id!, options);
  } finally {
    await settle.close();
    await queue.close();
  }
}
