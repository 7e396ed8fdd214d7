import type { Db } from '../db/database.js';
import { LOCK_CLASS } from '../db/locks.js';
import { holdEscrowFenceShared } from '../escrow/escrow-fence.js';
import { SettlementInvariantError } from './errors.js';
import type { SettlementRun } from './open-run.js';
import { buildRecipients } from './build-recipients.js';
import { MISSING_RECIPIENT, recipientsJoinFor, SETTLE_BATCH_SQL, unsettled } from './settle-batch-sql.js';

export type BatchHooks = {
  /** Runs inside the batch transaction after every write, before commit: a throw rolls the batch back (crash tests). */
  beforeCommit?: (batch: number) => void | Promise<void>;
};

/**
 * Settles one batch of a run in one transaction of a few set-based
 * statements: whatever the batch holds (one supporter or thousands), the
 * round trips are the same. The settle statement also checks what it wrote
 * (balanced transfers, Σ shares = D) and a problem rolls the batch back.
 *
 * Exactly once per (supporter, period): the batch's advisory lock serializes
 * two workers on the same batch, and only supporters without a
 * supporter_settlements row are settled, so a retried, resumed or duplicated
 * batch writes nothing twice (and the PK and transfer keys would refuse it).
 * Wallets are locked FOR UPDATE, so settling another period of the same
 * supporter at the same time cannot overdraw them; the escrow fence is held
 * shared, so a claim never misses what the batch escrows.
 */
export async function settleBatch(db: Db, run: SettlementRun, batch: number, hooks: BatchHooks = {}): Promise<{ entries: number }> {
  // Opening builds the recipients ahead (build-recipients.ts); one it could
  // not foresee (a currency changed while the run opened, an opening that
  // failed halfway) is added here, under the same fence, and the batch redone.
  // Adding may take two tries: an account another transaction created while
  // the first try waited on it is invisible to that statement, not to the next.
  for (let tries = 0; ; tries++) {
    try {
      return await attempt(db, run, batch, hooks, tries > 0, tries === ADDING_TRIES);
    } catch (error) {
      if (!(error instanceof MissingRecipientError)) throw error;
    }
  }
}

const ADDING_TRIES = 2;
class MissingRecipientError extends Error {}

async function attempt(
  db: Db, run: SettlementRun, batch: number, hooks: BatchHooks, addRecipients: boolean, lastTry: boolean,
): Promise<{ entries: number }> {
  return db.$transaction(async (tx) => {
    // The commit does not wait for its WAL to reach disk: a batch is settled
    // again if a database crash loses it (its supporters are pending again,
    // and a run settles whatever is pending before it finishes), and finishRun
    // commits synchronously, which makes every batch before it durable before
    // the run is reported settled. The flush wait idled a core per batch:
    // about 8% of a 1M-flattr run.
    await tx.$executeRawUnsafe(`SET LOCAL synchronous_commit = off`);
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LOCK_CLASS.settlePeriod}, hashtext($1))`, `${run.period}/${batch}`);
    await holdEscrowFenceShared(tx);
    await tx.$executeRawUnsafe(SETTLE_BATCH_SQL.lockWallets, run.period, batch);
    if (addRecipients) await buildRecipients(tx, run.period, { batch });
    const [result] = await tx.$queryRawUnsafe<{ entries: number; problem: string | null }[]>(
      SETTLE_BATCH_SQL.settle[recipientsJoinFor(run)], run.period, batch, run.feeBps, run.policy);
    if (result!.problem?.startsWith(MISSING_RECIPIENT) && !lastTry) throw new MissingRecipientError(result!.problem);
    if (result!.problem) throw new SettlementInvariantError('batch self-check', `${run.period} batch ${batch}: ${result!.problem}`);
    await hooks.beforeCommit?.(batch);
    return { entries: result!.entries };
  }, { timeout: 10 * 60_000, maxWait: 60_000 });
}

/** Batches of a run that still have a supporter to settle, in order. */
export async function pendingBatches(db: Db, period: string): Promise<number[]> {
  const rows = await db.$queryRawUnsafe<{ batch: number }[]>(
    `SELECT DISTINCT s.batch FROM settlement_supporters s
      WHERE s.period = $1 AND ${unsettled('s')}
      ORDER BY s.batch`,
    period,
  );
  return rows.map((r) => r.batch);
}
