import { z } from 'zod';

/** Job names on the `notify` queue. */
export const NOTIFY_JOB = {
  /** Send one outbox row (job id from its key). */
  send: 'notice-send',
  /** Derive a settled period's notices (job id notices-derive-YYYY-MM), then queue their sends. */
  derive: 'notices-derive',
  /** Derive every settled period not derived yet, and queue every notice still to send. */
  catchUp: 'notices-catch-up',
} as const;

/** Ids only (no token, no text): the outbox row holds the rest. */
export const sendJobSchema = z.object({ id: z.string().regex(/^\d+$/) });
export type SendJob = z.infer<typeof sendJobSchema>;

export const deriveJobSchema = z.object({ period: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) });

/** Queue attempts of a send: transient failures back off 5 s, 10 s, … about 10 minutes in all; a 429 or a pace wait is not an attempt. */
export const SEND_ATTEMPTS = 8;
export const SEND_BACKOFF_MS = 5_000;
