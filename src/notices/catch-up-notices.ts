import type { Queue } from 'bullmq';
import type { Db } from '../db/database.js';
import type { Metrics } from '../support/metrics.js';
import { deriveNotices } from './derive-notices.js';
import { queueOpenNotices, type SendRetry } from './enqueue-notices.js';

export type CatchUpResult = { derived: { period: string; notices: number }[]; queued: number };

/**
 * Makes sure nothing settled goes untold: derives every settled period
 * whose notices were never derived (the hub stopped between finishing a run
 * and deriving), then queues every notice still to send (its job id makes
 * one already queued a no-op). Run at notify-worker start and every few
 * minutes; idempotent.
 */
export async function catchUpNotices(db: Db, queue: Queue, o: { holdDays: number; timeZone: string; now?: () => Date; retry?: SendRetry; metrics?: Pick<Metrics, 'notices'> }): Promise<CatchUpResult> {
  const missing = await db.$queryRawUnsafe<{ period: string }[]>(
    `SELECT trim(r.period) AS period FROM settlement_runs r
      WHERE r.status = 'settled' AND NOT EXISTS (SELECT 1 FROM notice_periods n WHERE n.period = r.period)
      ORDER BY r.period`,
  );
  const derived: CatchUpResult['derived'] = [];
  for (const { period } of missing) {
    const result = await deriveNotices(db, period, { holdDays: o.holdDays, timeZone: o.timeZone, now: o.now?.(), metrics: o.metrics });
    if (result.derived) derived.push({ period, notices: result.notices });
  }
  const queued = await queueOpenNotices(db, queue, { retry: o.retry });
  return { derived, queued };
}
