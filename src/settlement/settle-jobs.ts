import { z } from 'zod';
import { parsePeriod } from '../domain/period.js';

/** Job names and data on the `settle` queue (validated first thing by the worker). */
export const SETTLE_JOB = { periodClose: 'period-close', catchUp: 'catch-up', settle: 'settle', batch: 'batch', ledgerCheck: 'ledger-check' } as const;

const period = z.string().refine((p) => { try { parsePeriod(p); return true; } catch { return false; } }, 'must be a period YYYY-MM');
/**
 * The parent job of a period. `step`, `pass` and `failures` are written by
 * the worker itself (BullMQ's process-step pattern): once it has fanned out
 * batches, a re-entry (children done, a retry after a crash) goes to
 * finishing instead of opening again; `failures` counts the batch jobs that
 * failed for good already reported, so a resumed run goes on past them.
 */
export const settleJobSchema = z.object({
  period, requestId: z.string().max(64).optional(),
  /** Who asked, for whoever finds the run going ("flattr settle (ana@box, pid 12)", "the period-close job"): never a secret. */
  by: z.string().max(200).optional(), step: z.literal('batches').optional(), pass: z.number().int().min(1).optional(),
  failures: z.number().int().min(0).optional(),
});
export const batchJobSchema = z.object({ period, batch: z.number().int().min(0) });
/** The ledger self-check: after a run finished (`period`), or daily. */
export const ledgerCheckJobSchema = z.object({ trigger: z.enum(['settled', 'daily']), period: period.optional() });
/**
 * The catch-up that settles every due closed period, oldest first, one at a
 * time (period-close.ts: duePeriods). It comes back (delayed) until none is
 * left: `started` are the periods it queued itself, so a run that fails is
 * not queued again and again by the same catch-up; `period` and
 * `waitingSince` pace its polls.
 */
export const catchUpJobSchema = z.object({
  trigger: z.enum(['tick', 'start']), started: z.array(period).max(1200).optional(), period: period.optional(),
  waitingSince: z.number().int().optional(),
});
export type CatchUpJob = z.infer<typeof catchUpJobSchema>;
/** One catch-up at a time: any number of starting processes and ticks add it once while it runs. */
export const CATCH_UP_JOB_ID = 'settle-catch-up';
export type SettleJob = z.infer<typeof settleJobSchema>;
export type BatchJob = z.infer<typeof batchJobSchema>;
export type LedgerCheckJob = z.infer<typeof ledgerCheckJobSchema>;

/** BullMQ job ids may not contain ':' (docs/style.md). */
export const settleJobId = (p: string) => `settle-${p}`;
/** The self-check that follows the run of a period: once per request, however often its finish is retried. */
export const ledgerCheckJobId = (p: string, requestId?: string) => `ledger-check-${p}${requestId ? `-${requestId}` : ''}`;
