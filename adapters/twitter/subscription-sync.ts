import { Worker, type ConnectionOptions, type Queue } from 'bullmq';
import { QUEUES } from '../../src/queues.js';
import type { Logger } from '../../src/support/logger.js';
import { syncXSubscriptions, type XSubscriptionDeps } from './subscriptions.js';

export const X_SUBSCRIPTION_JOB = 'x-subscriptions-sync';
/** How often subscriptions are brought in line with the supporters' X settings. */
const EVERY_MS = 30_000;

/**
 * Registers the reconciliation of XAA subscriptions (syncXSubscriptions) as a
 * BullMQ job scheduler, upserted so several processes never duplicate it.
 */
export async function scheduleXSubscriptionSync(queue: Queue, everyMs = EVERY_MS): Promise<void> {
  await queue.upsertJobScheduler(X_SUBSCRIPTION_JOB, { every: everyMs }, {
    name: X_SUBSCRIPTION_JOB, data: {}, opts: { removeOnComplete: 100, removeOnFail: 100 },
  });
}

/** Consumes `x-subscriptions` in worker processes: one reconciliation at a time, whatever the number of workers. */
export function createXSubscriptionWorker(o: { connection: ConnectionOptions; prefix: string; deps: XSubscriptionDeps; logger: Logger }): { close(): Promise<void> } {
  const worker = new Worker(
    QUEUES.xSubscriptions,
    async () => {
      const run = await syncXSubscriptions(o.deps);
      if (run.created || run.deleted || run.failed) o.logger.info({ platform: 'twitter', ...run }, 'X subscriptions reconciled');
      return run;
    },
    { connection: o.connection, prefix: o.prefix, concurrency: 1 },
  );
  worker.on('error', (error) => o.logger.error({ err: error }, 'x-subscriptions worker error'));
  return { close: () => worker.close() };
}
