import { z } from 'zod';
import { parsePeriod } from '../domain/period.js';

/** Job names and data on the `settle` queue (validated first thing by the worker). */
export const SETTLE_JOB = { periodClose: 'period-close', settle: 'settle', batch: 'batch' } as const;

const period = z.string().refine((p) => { try { parsePeriod(p); return true; } catch { return false; } }, 'must be a period YYYY-MM');
export const settleJobSchema = z.object({ period, requestId: z.string().max(64).optional() });
export const batchJobSchema = z.object({ period, batch: z.number().int().min(0) });
export type SettleJob = z.infer<typeof settleJobSchema>;
export type BatchJob = z.infer<typeof batchJobSchema>;

/** BullMQ job ids may not contain ':' (DESIGN.md section 5). */
export const settleJobId = (p: string) => `settle-${p}`;
