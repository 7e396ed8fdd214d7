import { Queue, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import type { Db } from '../src/db/database.js';
import { releaseEscrow } from '../src/escrow/release-escrow.js';
import { QUEUES } from '../src/queues.js';
import type { Logger } from '../src/support/logger.js';

export const ESCROW_JOB = { release: 'escrow-release' } as const;

export type EscrowWorkerDeps = {
  db: Db; connection: ConnectionOptions; prefix: string; holdDays: number; timeZone: string; logger: Logger; now?: () => Date;
};

/** Consumes `escrow`: the daily release of escrow held past ESCROW_HOLD_DAYS (rule 9). */
export function createEscrowWorker(deps: EscrowWorkerDeps): { worker: Worker; close(): Promise<void> } {
  const worker = new Worker(
    QUEUES.escrow,
    async (job) => {
      if (job.name !== ESCROW_JOB.release) throw new UnrecoverableError(`unknown escrow job "${job.name}"`);
      const result = await releaseEscrow(deps.db, { holdDays: deps.holdDays, now: deps.now?.(), apply: true });
      deps.logger.info({ refunds: result.refunds.length, transfers: result.transfers }, 'escrow released');
      return { refunds: result.refunds.length, transfers: result.transfers };
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: 1 },
  );
  worker.on('error', (error) => deps.logger.error({ err: error }, 'escrow worker error'));
  return { worker, close: () => worker.close() };
}

/** Once a day at 03:30 in SETTLEMENT_TZ; upserted, so never duplicated by several processes. */
export async function scheduleEscrowRelease(queue: Queue, timeZone: string): Promise<void> {
  await queue.upsertJobScheduler(ESCROW_JOB.release, { pattern: '30 3 * * *', tz: timeZone }, {
    name: ESCROW_JOB.release, data: {}, opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 } },
  });
}
