/**
 * Advisory lock keys, in PostgreSQL's two-int form (class, object) so they
 * never collide with single-key locks such as the migration lock.
 */
export const LOCK_CLASS = {
  /** Ingest holds it shared; opening a settlement run holds it exclusively. */
  settlementStart: 1,
  /** One per (supporter, item, period), serializing reaction updates of one flattr. */
  flattrKey: 2,
  /** One per period, held by a settlement batch. */
  settlePeriod: 3,
} as const;

/** The key of one flattr's advisory lock: (supporter, item, period). */
export const flattrLockKey = (supporterId: number, item: string, period: string) => `${supporterId}\u001f${item}\u001f${period}`;

/**
 * SQL taking the flattr locks of sorted keys given as a JSON array in the
 * parameter `param`, in that order, so every taker (ingest, /flattr undo)
 * serializes with the others and none deadlock.
 */
export const takeFlattrLocksSql = (param: string) =>
  `SELECT pg_advisory_xact_lock(${LOCK_CLASS.flattrKey}, hashtext(k)) FROM jsonb_array_elements_text(${param}::jsonb) WITH ORDINALITY AS t(k, n) ORDER BY n`;
