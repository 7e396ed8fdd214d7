import { z } from 'zod';
import { moneySchema } from '../api/schemas.js';

const STATUSES = ['open', 'closed-waiting', 'closed', 'running', 'failed', 'interrupted', 'settled'] as const;

export const periodParamsSchema = z.object({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'YYYY-MM') });

export const adminPeriodSchema = z.object({
  period: z.string(),
  status: z.enum(STATUSES),
  reason: z.string().optional().describe('failed or interrupted: why; running: the job state'),
  closed: z.boolean(),
  closesAt: z.iso.datetime(),
  run: z.object({
    status: z.enum(['running', 'settled']), stage: z.string(), startedAt: z.iso.datetime(), finishedAt: z.iso.datetime().nullable(),
    supporters: z.number().int(), flattrs: z.number().int(), settled: z.number().int().describe('supporters settled so far'),
  }).nullable(),
  pending: z.object({ flattrs: z.number().int(), supporters: z.number().int() }).describe('of a period with no run: what its run would settle'),
});

export const adminPeriodsSchema = z.object({
  periods: z.array(adminPeriodSchema).describe('newest first'),
  waiting: z.array(z.string()).describe('due and nobody on it, oldest first'),
  next: z.object({ period: z.string(), at: z.iso.datetime() }).describe('the next period close'),
});

export const adminPeriodDetailSchema = z.object({
  period: adminPeriodSchema,
  notices: z.object({
    counts: z.array(z.object({ kind: z.string(), status: z.string(), reason: z.string().nullable(), n: z.number().int() })),
    unsent: z.array(z.object({
      id: z.string(), kind: z.string(), platform: z.string(), to: z.string(), part: z.number().int(), parts: z.number().int(),
      status: z.string(), reason: z.string().nullable(), retryable: z.boolean(), attempts: z.number().int(), lastError: z.string().nullable(),
    })).describe('the first 50 notices not sent'),
  }),
});

export const dryRunSchema = z.object({
  period: z.string(),
  runStatus: z.string().nullable().describe('the run already there, if any'),
  open: z.boolean().describe('the period has not closed: what it would move if it ended now'),
  closesAt: z.iso.datetime(),
  totals: z.array(z.object({
    currency: z.string().length(3), supporters: z.number().int(), flattrs: z.number().int(),
    charged: moneySchema, fees: moneySchema, credited: moneySchema, escrowed: moneySchema, charity: moneySchema,
  })),
});

export const ledgerCheckSchema = z.object({
  last: z.object({
    at: z.iso.datetime(), trigger: z.string(), period: z.string().nullable(),
    ok: z.boolean().nullable().describe('null: the check could not run (error says why)'),
    checks: z.number().int().nullable(),
    broken: z.array(z.object({ check: z.string(), invariant: z.string(), detail: z.string() })),
    error: z.string().nullable(),
  }).nullable().describe('null: no self-check has run yet'),
});
