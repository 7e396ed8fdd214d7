import type { Db } from '../db/database.js';
import { SettlementIncompleteError } from './errors.js';
import { finishRun } from './finish-run.js';
import { openRun, type SettlementRun, type SettlementSettings } from './open-run.js';
import { pendingBatches, settleBatch } from './settle-batch.js';

const MAX_PASSES = 3;

/**
 * Points between stages where a run can be interrupted (crash injection) or
 * observed. `batches-done` comes after each pass over the batches: once,
 * unless a lost commit left something pending for another pass.
 */
export type SettleStage = 'opened' | 'batch-written' | 'batch-committed' | 'batches-done' | 'finished';
export type SettleHooks = {
  /** Called at each stage; a throw there is a crash at that point (tests inject them). */
  onStage?: (stage: SettleStage, detail: { period: string; batch?: number }) => void | Promise<void>;
};

/**
 * Settles a period in this process: open (or resume) the run, settle every
 * pending batch, finish. The BullMQ worker runs the same three steps as a
 * parent job with one child per batch; this sequential form is what tests,
 * the bench and a single worker use. Safe to call again after any failure.
 */
export async function runSettlement(
  db: Db, period: string, settings: SettlementSettings, hooks: SettleHooks = {}, now?: Date, options: { lanes?: number } = {},
): Promise<SettlementRun> {
  // Lanes mean a pool of connections, which opening can use too.
  const run = await openRun(db, period, settings, now, { concurrent: (options.lanes ?? 1) > 1 });
  await hooks.onStage?.('opened', { period: run.period });
  if (run.status === 'settled') return run;
  // Batches commit asynchronously (settle-batch.ts): one whose commit a
  // database crash lost is pending again. So a pass over the batches ends by
  // trying to finish, whose check counts what is still pending (one hash
  // join); only if something is does the next pass read which batches (one
  // probe per supporter: 0.15 s at 100k, which every run paid when the list
  // was read again after each pass). A few passes bound it, and the last
  // refusal names what is still pending.
  // A run this call just opened has every batch pending: no need to ask.
  let queue = run.created ? Array.from({ length: run.batches }, (_, b) => b) : await pendingBatches(db, run.period);
  for (let pass = 1; ; pass++) {
    // Lanes take batches from one list, each on its own connection: batches are independent.
    const lane = async () => {
      for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
        await settleBatch(db, run, batch, { beforeCommit: (b) => hooks.onStage?.('batch-written', { period: run.period, batch: b }) });
        await hooks.onStage?.('batch-committed', { period: run.period, batch });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.lanes ?? 1) }, lane));
    await hooks.onStage?.('batches-done', { period: run.period });
    try {
      await finishRun(db, run.period);
      break;
    } catch (error) {
      if (!(error instanceof SettlementIncompleteError) || pass === MAX_PASSES) throw error;
    }
    queue = await pendingBatches(db, run.period);
  }
  await hooks.onStage?.('finished', { period: run.period });
  return { ...run, status: 'settled', stage: 'settled' };
}
