import type { Db } from '../db/database.js';
import type { Logger } from '../support/logger.js';
import type { Metrics } from '../support/metrics.js';
import { LEDGER_CHECKS, verifyLedger, type BrokenCheck } from './verify-ledger.js';

export type SelfCheck = { ok: boolean; checks: number; broken: BrokenCheck[] };

/**
 * The hub's own `flattr ledger verify`, after every settlement run and daily
 * (Liberapay's payday checks its ledger before and after, and on a timer).
 * Every check runs, so `flattr_ledger_ok{check}` is current for each: 1 when
 * it holds, 0 when broken, and each broken one is logged as an error by
 * name. It only reads: whatever it finds, a settled run stays settled; the
 * cure is a person reading the error, not an automatic rollback.
 */
export async function selfCheckLedger(
  db: Db, deps: { logger: Logger; metrics?: Pick<Metrics, 'ledgerOk'>; trigger: string; period?: string },
): Promise<SelfCheck> {
  const verdict = await verifyLedger(db, { all: true });
  const broken = verdict.ok ? [] : verdict.broken;
  for (const { check } of LEDGER_CHECKS) {
    deps.metrics?.ledgerOk.set({ check }, broken.some((b) => b.check === check) ? 0 : 1);
  }
  const context = { trigger: deps.trigger, ...(deps.period ? { period: deps.period } : {}) };
  for (const b of broken) {
    deps.logger.error({ ...context, check: b.check, invariant: b.invariant, detail: b.detail },
      `ledger self-check failed: ${b.check} (${b.invariant}): ${b.detail}; run "flattr ledger verify"`);
  }
  if (broken.length === 0) deps.logger.info({ ...context, checks: LEDGER_CHECKS.length }, 'ledger self-check: every invariant holds');
  return { ok: broken.length === 0, checks: LEDGER_CHECKS.length, broken };
}
