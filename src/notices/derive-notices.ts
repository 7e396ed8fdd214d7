import type { Db } from '../db/database.js';
import { parsePeriod } from '../domain/period.js';
import type { Metrics } from '../support/metrics.js';
import { insertNotices } from './insert-notices.js';
import type { NewNotice } from './notice-row.js';
import { NoticesNotReadyError } from './notices-not-ready-error.js';
import type { PlanOptions } from './plan-digests.js';
import { planCreatorStatements } from './plan-creator-statements.js';
import { DIGEST_PAGE, planDigestContext, planDigestPage } from './plan-digests.js';
import { planStatementPage, STATEMENT_PAGE } from './plan-statements.js';

/** Advisory lock class of a period's derivation (src/db/locks.ts uses 1–3; 14 is this number, far from them). */
const NOTICE_LOCK_CLASS = 14;

export type DeriveResult = { period: string; derived: boolean; notices: number };

/**
 * Derives the notices of a settled period into the outbox, once. Refuses a
 * period whose run is not finished and committed. Idempotent and safe to
 * race: rendering reads only, and the write happens under a per-period
 * advisory lock that first checks whether the period was derived already,
 * so two derivations (the settle hook and the catch-up) never write two
 * versions of a digest; each row's key makes it once-only besides.
 * Digests and statements are rendered and written a page at a time (of
 * communities, of supporters) inside that transaction, so a month of any
 * size is derived in the memory of one page. Creators' statements, one per
 * consenting creator, are rendered first.
 * Returns `derived: false` when the period had been derived before.
 */
export async function deriveNotices(db: Db, rawPeriod: string, o: Omit<PlanOptions, 'now'> & { now?: Date; metrics?: Pick<Metrics, 'notices'>; statementPage?: number; digestPage?: number }): Promise<DeriveResult> {
  const period = parsePeriod(rawPeriod);
  const state = await periodState(db, period);
  if (state.status !== 'settled') throw new NoticesNotReadyError(period, state.status);
  if (state.derived) return { period, derived: false, notices: 0 };
  const options = { ...o, now: o.now ?? new Date() };
  const creators = await planCreatorStatements(db, period, o);
  const skipped: NewNotice[] = [];
  const result = await db.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${NOTICE_LOCK_CLASS}, hashtext($1))`, period);
    const done = await tx.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM notice_periods WHERE period = $1`, period);
    if (done.length) return { period, derived: false, notices: 0 };
    const digests = await planDigestContext(tx, period, options);
    let inserted = await insertNotices(tx, creators, digests.reminders.map((r) => r.record));
    for (let i = 0; i < digests.communities.length; i += o.digestPage ?? DIGEST_PAGE) {
      const page = await planDigestPage(tx, period, digests, digests.communities.slice(i, i + (o.digestPage ?? DIGEST_PAGE)), options);
      inserted += await insertNotices(tx, page, []);
      skipped.push(...page.filter((n) => n.status === 'skipped'));
    }
    for (let after = 0; ;) {
      const page = await planStatementPage(tx, period, after, o.statementPage ?? STATEMENT_PAGE);
      if (page.lastSupporterId === null) break;
      inserted += await insertNotices(tx, page.notices, []);
      after = page.lastSupporterId;
    }
    await tx.$executeRawUnsafe(`INSERT INTO notice_periods (period, notices) VALUES ($1, $2)`, period, inserted);
    return { period, derived: true, notices: inserted };
  }, { timeout: 10 * 60_000, maxWait: 60_000 });
  // Skipped when derived (digests turned off, no channel known): they end here, so they are counted here.
  if (result.derived) {
    for (const n of [...skipped, ...creators]) if (n.status === 'skipped') o.metrics?.notices.inc({ platform: n.platform, kind: n.kind, outcome: 'skipped', reason: n.reason ?? '' });
  }
  return result;
}

/** A run's status ('open' without one) and whether its notices were derived. */
export async function periodState(db: Db, period: string): Promise<{ status: string; derived: boolean }> {
  const [row] = await db.$queryRawUnsafe<{ status: string | null; derived: boolean }[]>(
    `SELECT (SELECT status FROM settlement_runs WHERE period = $1) AS status, EXISTS (SELECT 1 FROM notice_periods WHERE period = $1) AS derived`, period,
  );
  return { status: row?.status ?? 'open', derived: row?.derived ?? false };
}
