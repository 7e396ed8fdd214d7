import type { Queue } from 'bullmq';
import { SETTLE_JOB } from './settle-jobs.js';

/** The scheduler's id: one daily self-check however many processes upsert it. */
export const DAILY_LEDGER_CHECK = 'ledger-check-daily';

/**
 * Registers the daily ledger self-check, at 04:30 in SETTLEMENT_TZ (after the
 * 03:30 escrow release, so it checks what that wrote). Upserted by a fixed id
 * (docs/contracts.md, Queues), like the period close.
 */
export async function scheduleLedgerCheck(queue: Queue, timeZone: string): Promise<void> {
  await queue.upsertJobScheduler(DAILY_LEDGER_CHECK, { pattern: '30 4 * * *', tz: timeZone }, {
    name: SETTLE_JOB.ledgerCheck, data: { trigger: 'daily' },
    opts: { attempts: 5, backoff: { type: 'exponential', delay: 60_000 }, removeOnComplete: { count: 100 }, removeOnFail: { age: 30 * 24 * 3600 } },
  });
}
