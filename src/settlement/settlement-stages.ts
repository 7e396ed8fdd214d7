import type { Db } from '../db/database.js';
import { SettlementIncompleteError } from './errors.js';
import { finishRun } from './finish-run.js';
import { loadRun, openRun, type SettlementRun, type SettlementSettings } from './open-run.js';
import { pendingBatches, settleBatch } from './settle-batch.js';

/**
 * Points between stages where a run can be interrupted (crash injection) or
 * observed. `batches-done` comes after each pass over the batches: once,
 * unless a lost commit left something pending for another pass.
 */
export type SettleStage = 'opened' | 'batch-written' | 'batch-committed' | 'batches-done' | 'finished';
/** Called at each stage; a throw there is a crash at that point (tests inject them, and kill the process from them). */
export type StageHook = (stage: SettleStage, detail: { period: string; batch?: number }) => void | Promise<void>;

export type StageDeps = {
  db: Db;
  settings: SettlementSettings;
  /** Open runs on two connections (PostgreSQL's pool; not PGlite): see OpenOptions. */
  concurrentOpen?: boolean;
  onStage?: StageHook;
  now?: () => Date;
};

export type Opened = { run: SettlementRun; pending: number[] };
export type Finished = { status: 'settled' } | { status: 'pending'; supporters: number; batches: number[] };

/**
 * The one sequence of a settlement run, in three stages that the settle
 * worker calls (workers/settle.worker.ts): the parent job opens and, after
 * each pass of batch jobs, tries to finish; each batch job settles one
 * batch. Every stage is idempotent in the database, so a stage that crashed
 * (an exception, a killed process, a lost commit) is simply run again, by a
 * BullMQ retry or a second `flattr settle`, and the ledger is the one a clean
 * run gives (money rule 10). Nothing here knows about queues.
 */
export function createSettlementStages(deps: StageDeps) {
  const { db, settings } = deps;
  const now = deps.now ?? (() => new Date());
  const stage = async (name: SettleStage, period: string, batch?: number) =>
    deps.onStage?.(name, batch === undefined ? { period } : { period, batch });

  return {
    /** Opens the period's run or resumes it, and says which batches are left (none if it is settled). */
    async open(period: string): Promise<Opened> {
      const run = await openRun(db, period, settings, now(), { concurrent: deps.concurrentOpen ?? false });
      await stage('opened', run.period);
      if (run.status === 'settled') return { run, pending: [] };
      // A run just opened has every batch pending: no need to ask (one probe
      // per supporter, 0.15 s at 100k).
      const pending = run.created ? Array.from({ length: run.batches }, (_, b) => b) : await pendingBatches(db, run.period);
      return { run, pending };
    },

    /** Settles one batch with the fee and policy the run was opened with (a batch never opens a run). */
    async settleBatch(period: string, batch: number): Promise<{ entries: number }> {
      const run = await loadRun(db, period);
      const result = await settleBatch(db, run, batch, { beforeCommit: (b) => stage('batch-written', run.period, b) });
      await stage('batch-committed', run.period, batch);
      return result;
    },

    /**
     * After a pass over the batches: finishes the run if nothing is pending.
     * Batches commit asynchronously (settle-batch.ts), so one whose commit a
     * database crash lost is pending again: the finish check counts what is
     * still pending (one hash join), and only then are the batches read
     * (one probe per supporter) for another pass.
     */
    async finish(period: string): Promise<Finished> {
      await stage('batches-done', period);
      try {
        await finishRun(db, period);
      } catch (error) {
        if (!(error instanceof SettlementIncompleteError)) throw error;
        return { status: 'pending', supporters: error.pending, batches: await pendingBatches(db, period) };
      }
      await stage('finished', period);
      return { status: 'settled' };
    },
  };
}

export type SettlementStages = ReturnType<typeof createSettlementStages>;
