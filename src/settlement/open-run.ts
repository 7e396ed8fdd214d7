import type { Db } from '../db/database.js';
import { LOCK_CLASS } from '../db/locks.js';
import type { UnspentPolicy } from '../domain/split.js';
import { holdEscrowFenceShared } from '../escrow/escrow-fence.js';
import { SettlementNotOpenError } from './errors.js';
import { assertPeriodEnded } from './period-guard.js';

export type SettlementSettings = { feeBps: number; policy: UnspentPolicy; batchSize: number; timeZone: string; graceMinutes: number };
export type SettlementRun = {
  period: string; status: 'running' | 'settled'; stage: string; feeBps: number; policy: UnspentPolicy;
  batchSize: number; batches: number; supporters: number; flattrs: number; created: boolean;
};
type RunRow = { period: string; status: string; stage: string; fee_bps: number; policy: string; batch_size: number; batches: number; supporters: number; flattrs: number };

/**
 * Opens the run of a period, or returns the existing one to resume it (its
 * fee, policy and batches are the ones it was opened with, not today's
 * configuration). Opening takes the settlementStart lock exclusively, so it
 * waits for in-flight ingest batches and every later like lands in the next
 * period (rule 2); in the same transaction it freezes the supporters, their
 * budgets and batches. From then on nothing that settlement reads changes.
 */
export async function openRun(db: Db, period: string, settings: SettlementSettings, now: Date = new Date()): Promise<SettlementRun> {
  assertPeriodEnded(period, settings, now);
  return db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${LOCK_CLASS.settlementStart}, 0)`);
    // The snapshot groups and sorts every flattr of the period once; with the
    // default 4 MB it spilled to disk and chose a slower plan.
    await tx.$executeRawUnsafe(`SET LOCAL work_mem = '64MB'`);
    const inserted = await tx.$queryRawUnsafe<RunRow[]>(
      `INSERT INTO settlement_runs (period, status, stage, fee_bps, policy, cutoff, batch_size)
       VALUES ($1, 'running', 'open', $2, $3, $4, $5) ON CONFLICT (period) DO NOTHING
       RETURNING period, status, stage, fee_bps, policy, batch_size, batches, supporters, flattrs`,
      period, settings.feeBps, settings.policy, now, settings.batchSize,
    );
    if (!inserted[0]) {
      const [existing] = await tx.$queryRawUnsafe<RunRow[]>(
        `SELECT trim(period) AS period, status, stage, fee_bps, policy, batch_size, batches, supporters, flattrs FROM settlement_runs WHERE period = $1`, period);
      return toRun(existing!, false);
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
    // Claims wait while the run reads who is claimed; one that committed
    // before is seen, one after re-points the rows written here.
    await holdEscrowFenceShared(tx);
    // Where each recipient is credited (see the settlement_recipients
    // migration), and every account the run will credit, made now in one
    // statement rather than batch by batch. With one currency in the run (the
    // usual case) the recipients are the distinct identities flattred, which
    // spares joining every flattr to its supporter. Accounts that existed are
    // read from the statement's snapshot; new ones come from the insert.
    await tx.$executeRawUnsafe(
      `WITH currencies AS MATERIALIZED (SELECT DISTINCT currency FROM settlement_supporters WHERE period = $1),
       recipients AS MATERIALIZED (
         SELECT r.identity_id, r.currency, i.user_id AS creator_id,
                CASE WHEN i.user_id IS NULL THEN 'escrow' ELSE 'creator' END AS kind,
                CASE WHEN i.user_id IS NULL THEN i.id END AS escrow_identity_id
           FROM (SELECT DISTINCT f.recipient_identity_id AS identity_id, (SELECT currency FROM currencies) AS currency
                   FROM flattrs f WHERE f.period = $1 AND f.status = 'active' AND (SELECT count(*) FROM currencies) = 1
                 UNION ALL
                 SELECT DISTINCT f.recipient_identity_id, s.currency
                   FROM flattrs f JOIN settlement_supporters s ON s.period = $1 AND s.supporter_id = f.supporter_id
                  WHERE f.period = $1 AND f.status = 'active' AND (SELECT count(*) FROM currencies) > 1) r
           JOIN identities i ON i.id = r.identity_id
       ),
       wanted AS (
         SELECT DISTINCT kind, creator_id AS user_id, escrow_identity_id AS identity_id, currency FROM recipients
         UNION
         SELECT k, NULL::int, NULL::int, c.currency FROM currencies c CROSS JOIN (VALUES ('fees'), ('charity')) AS v(k)
       ),
       created AS (
         INSERT INTO accounts (kind, user_id, identity_id, currency)
         SELECT kind, user_id, identity_id, currency FROM wanted
          ORDER BY kind, user_id, identity_id, currency
         ON CONFLICT (kind, user_id, identity_id, currency) DO NOTHING
         RETURNING id, kind, user_id, identity_id, currency
       ),
       known AS (
         SELECT id, kind, user_id, identity_id, currency FROM created
         UNION ALL
         SELECT a.id, a.kind, a.user_id, a.identity_id, a.currency FROM accounts a
           JOIN wanted w ON a.kind = w.kind AND a.currency = w.currency
            AND coalesce(a.user_id, 0) = coalesce(w.user_id, 0) AND coalesce(a.identity_id, 0) = coalesce(w.identity_id, 0)
       )
       INSERT INTO settlement_recipients (period, identity_id, currency, creator_id, account_id)
       SELECT $1, r.identity_id, r.currency, r.creator_id, k.id
         FROM recipients r JOIN known k ON k.kind = r.kind AND k.currency = r.currency
          AND coalesce(k.user_id, 0) = coalesce(r.creator_id, 0) AND coalesce(k.identity_id, 0) = coalesce(r.escrow_identity_id, 0)`,
      period,
    );
    // The batches' plans (wallet probes, the recipients join) need true numbers for what was just written.
    await tx.$executeRawUnsafe(`ANALYZE accounts`);
    await tx.$executeRawUnsafe(`ANALYZE settlement_recipients`);
    const [row] = await tx.$queryRawUnsafe<RunRow[]>(
      `UPDATE settlement_runs r SET stage = 'snapshot',
              batches = coalesce(x.batches, 0), supporters = coalesce(x.supporters, 0), flattrs = coalesce(x.flattrs, 0)
         FROM (SELECT max(batch) + 1 AS batches, count(*)::int AS supporters, sum(flattrs)::int AS flattrs
                 FROM settlement_supporters WHERE period = $1) x
        WHERE r.period = $1
        RETURNING trim(r.period) AS period, r.status, r.stage, r.fee_bps, r.policy, r.batch_size, r.batches, r.supporters, r.flattrs`,
      period,
    );
    return toRun(row!, true);
  }, { timeout: 10 * 60_000, maxWait: 60_000 });
}

/** The run of a period as opened (no lock, no writes): what a batch job settles with. */
export async function loadRun(db: Db, period: string): Promise<SettlementRun> {
  const [row] = await db.$queryRawUnsafe<RunRow[]>(
    `SELECT trim(period) AS period, status, stage, fee_bps, policy, batch_size, batches, supporters, flattrs FROM settlement_runs WHERE period = $1`, period);
  if (!row) throw new SettlementNotOpenError(period);
  return toRun(row, false);
}

function toRun(r: RunRow, created: boolean): SettlementRun {
  return {
    period: r.period.trim(), status: r.status === 'settled' ? 'settled' : 'running', stage: r.stage, feeBps: r.fee_bps,
    policy: r.policy === 'charity' ? 'charity' : 'keep', batchSize: r.batch_size, batches: r.batches,
    supporters: r.supporters, flattrs: r.flattrs, created,
  };
}
