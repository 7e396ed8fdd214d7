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
