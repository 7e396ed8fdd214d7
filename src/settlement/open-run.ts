import type { Db, Tx } from '../db/database.js';
import { LOCK_CLASS } from '../db/locks.js';
import type { UnspentPolicy } from '../domain/split.js';
import { holdEscrowFenceShared } from '../escrow/escrow-fence.js';
import { buildRecipients } from './build-recipients.js';
import { SettlementNotOpenError } from './errors.js';
import { assertPeriodEnded } from './period-guard.js';

export type OpenOptions = {
  /**
   * Build where recipients are credited (buildRecipients) on a second
   * connection while the snapshot is taken, instead of after it in the same
   * transaction: the two halves of opening each scan every flattr of the
   * period, and run on two cores they take half the time. Needs a pool of
   * connections (PostgreSQL, not PGlite). It is only a head start: a batch
   * that finds a recipient missing adds it (settle-batch.ts).
   */
  concurrent?: boolean;
};
export type SettlementSettings = { feeBps: number; policy: UnspentPolicy; batchSize: number; timeZone: string; graceMinutes: number };
export type SettlementRun = {
  period: string; status: 'running' | 'settled'; stage: string; feeBps: number; policy: UnspentPolicy;
  batchSize: number; batches: number; supporters: number; flattrs: number;
  /** settlement_recipients rows when the run opened (null if unknown): how batches find them. */
  recipients: number | null; created: boolean;
};
/** What a run row is read as (RunRow); period is char(7), trimmed by toRun. */
const RUN_COLUMNS = 'period, status, stage, fee_bps, policy, batch_size, batches, supporters, flattrs, recipients';
type RunRow = {
  period: string; status: string; stage: string; fee_bps: number; policy: string; batch_size: number; batches: number; supporters: number; flattrs: number;
  recipients: number | null;
};

/**
 * Opens the run of a period, or returns the existing one to resume it (its
 * fee, policy and batches are the ones it was opened with, not today's
 * configuration). Opening takes the settlementStart lock exclusively, so it
 * waits for in-flight ingest batches and every later like lands in the next
 * period (rule 2); in the same transaction it freezes the supporters, their
 * budgets and batches. From then on nothing that settlement reads changes.
 */
export async function openRun(
  db: Db, period: string, settings: SettlementSettings, now: Date = new Date(), options: OpenOptions = {},
): Promise<SettlementRun> {
  assertPeriodEnded(period, settings, now);
  let locked!: (created: boolean) => void;
  const lockTaken = new Promise<boolean>((resolve) => { locked = resolve; });
  const opening = db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LOCK_CLASS.settlementStart}, 0)`);
    // The snapshot groups and sorts every flattr of the period once; with the
    // default 4 MB it spilled to disk and chose a slower plan.
    await tx.$executeRawUnsafe(`SET LOCAL work_mem = '64MB'`);
    const inserted = await tx.$queryRawUnsafe<RunRow[]>(
      `INSERT INTO settlement_runs (period, status, stage, fee_bps, policy, cutoff, batch_size)
       VALUES ($1, 'running', 'open', $2, $3, $4, $5) ON CONFLICT (period) DO NOTHING
       RETURNING ${RUN_COLUMNS}`,
      period, settings.feeBps, settings.policy, now, settings.batchSize,
    );
    locked(inserted.length > 0);
    if (!inserted[0]) {
      return toRun((await selectRun(tx, period))!, false);
    }
    // Supporters with active flattrs, plus (charity policy) active supporters
    // without any, whose available budget goes to charity (rule 5).
    await tx.$executeRawUnsafe(
      `WITH f AS (
         SELECT supporter_id, count(*)::int AS n FROM flattrs WHERE period = $1 AND status = 'active' GROUP BY supporter_id
       ), c AS (
         SELECT s.user_id AS supporter_id, 0 AS n FROM supporter_settings s
          WHERE $3 = 'charity' AND s.active AND s.budget_minor > 0 AND NOT EXISTS (SELECT 1 FROM f WHERE f.supporter_id = s.user_id)
       ), everyone AS (SELECT * FROM f UNION ALL SELECT * FROM c)
       INSERT INTO settlement_supporters (period, supporter_id, batch, currency, budget, flattrs)
       SELECT $1, e.supporter_id, ((row_number() OVER (ORDER BY e.supporter_id) - 1) / $2)::int, u.currency, coalesce(s.budget_minor, 0), e.n
         FROM everyone e JOIN users u ON u.id = e.supporter_id LEFT JOIN supporter_settings s ON s.user_id = e.supporter_id`,
      period, settings.batchSize, settings.policy,
    );
    if (!options.concurrent) await prepareRecipients(tx, period);
    const [row] = await tx.$queryRawUnsafe<RunRow[]>(
      `UPDATE settlement_runs r SET stage = 'snapshot',
              batches = coalesce(x.n_batches, 0), supporters = coalesce(x.n_supporters, 0), flattrs = coalesce(x.n_flattrs, 0)
         FROM (SELECT max(batch) + 1 AS n_batches, count(*)::int AS n_supporters, sum(flattrs)::int AS n_flattrs
                 FROM settlement_supporters WHERE period = $1) x
        WHERE r.period = $1
        RETURNING ${RUN_COLUMNS}`,
      period,
    );
    return toRun(row!, true);
  }, { timeout: 10 * 60_000, maxWait: 60_000 }).finally(() => locked(false));
  const run = options.concurrent ? await withRecipientsAlongside(db, period, opening, lockTaken) : await opening;
  if (run.status !== 'running' || run.recipients !== null) return run;
  // A run resumed without its count did not finish opening: its recipients
  // half may have failed. Build what is missing (idempotent) rather than
  // leave every batch to find it missing and redo itself.
  if (!run.created) await prepareRecipientsAlone(db, period);
  return { ...run, recipients: await recordRecipients(db, run.period) };
}

async function withRecipientsAlongside(db: Db, period: string, opening: Promise<SettlementRun>, lockTaken: Promise<boolean>): Promise<SettlementRun> {
  // Ingest is drained once the lock is held, so the period's flattrs are final.
  const recipients = lockTaken.then(async (created) => {
    if (created) await prepareRecipientsAlone(db, period);
  });
  // Wait for both, so a failure of one never leaves the other running behind the caller.
  const [run, built] = await Promise.allSettled([opening, recipients]);
  if (run.status === 'rejected') throw run.reason;
  if (built.status === 'rejected') throw built.reason;
  return run.value;
}

/** prepareRecipients in a transaction of its own, beside or after the one that opened the run. */
async function prepareRecipientsAlone(db: Db, period: string): Promise<void> {
  await db.$transaction((tx) => prepareRecipients(tx, period), { timeout: 10 * 60_000, maxWait: 60_000 });
}

/**
 * Records how many recipients the run has, once both halves of opening are
 * in (or on resuming a run opened without the count): batches choose how to
 * find them by it (recipientsJoinFor).
 */
async function recordRecipients(db: Db, period: string): Promise<number> {
  const [row] = await db.$queryRawUnsafe<{ recipients: number }[]>(
    `UPDATE settlement_runs SET recipients = (SELECT count(*)::int FROM settlement_recipients WHERE period = $1)
      WHERE period = $1 RETURNING recipients`, period);
  return row!.recipients;
}

/**
 * Where the run credits each recipient, built under the escrow fence so a
 * claim either comes before (and is seen) or after (and re-points the rows);
 * then analyzed, as the batches' plans (wallet probes, the recipients join)
 * need true numbers for what was just written.
 */
async function prepareRecipients(tx: Tx, period: string): Promise<void> {
  await holdEscrowFenceShared(tx);
  await buildRecipients(tx, period);
  await tx.$executeRawUnsafe(`ANALYZE accounts`);
  await tx.$executeRawUnsafe(`ANALYZE settlement_recipients`);
}

/** The run of a period as opened (no lock, no writes): what a batch job settles with. */
export async function loadRun(db: Db, period: string): Promise<SettlementRun> {
  const row = await selectRun(db, period);
  if (!row) throw new SettlementNotOpenError(period);
  return toRun(row, false);
}

async function selectRun(db: Tx | Db, period: string): Promise<RunRow | undefined> {
  const [row] = await db.$queryRawUnsafe<RunRow[]>(`SELECT ${RUN_COLUMNS} FROM settlement_runs WHERE period = $1`, period);
  return row;
}

function toRun(r: RunRow, created: boolean): SettlementRun {
  return {
    period: r.period.trim(), status: r.status === 'settled' ? 'settled' : 'running', stage: r.stage, feeBps: r.fee_bps,
    policy: r.policy === 'charity' ? 'charity' : 'keep', batchSize: r.batch_size, batches: r.batches,
    supporters: r.supporters, flattrs: r.flattrs, recipients: r.recipients, created,
  };
}
