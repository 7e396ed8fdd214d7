/** Settlement refusals and failures, each with a stable `code` (docs/style.md). */

export class PeriodNotEndedError extends Error {
  readonly code = 'PERIOD_NOT_ENDED';
  constructor(readonly period: string, readonly settleableFrom: Date, timeZone: string, graceMinutes: number) {
    super(`period ${period} has not ended yet in ${timeZone} (plus ${graceMinutes} min grace for late likes): it can be settled from ${settleableFrom.toISOString()}`);
    this.name = 'PeriodNotEndedError';
  }
}

export class PeriodNotStartedError extends Error {
  readonly code = 'PERIOD_NOT_STARTED';
  constructor(readonly period: string, readonly startsAt: Date, timeZone: string) {
    super(`period ${period} has not started yet in ${timeZone} (it starts ${startsAt.toISOString()}): there is nothing in it to show`);
    this.name = 'PeriodNotStartedError';
  }
}

export class SettlementInProgressError extends Error {
  readonly code = 'SETTLEMENT_IN_PROGRESS';
  constructor(readonly period: string, detail: string) {
    super(`a settlement of ${period} is already running (${detail}); run "flattr settle --period ${period}" without --no-wait to wait for it, or watch it on /admin/queues`);
    this.name = 'SettlementInProgressError';
  }
}

/**
 * A newer period asked to settle while an older one still has flattrs to
 * settle: wallets pay the months in the order they happened (period-close.ts).
 */
export class OlderPeriodPendingError extends Error {
  readonly code = 'OLDER_PERIOD_PENDING';
  constructor(readonly period: string, readonly older: string, detail: string) {
    super(`${older} comes before ${period} and ${detail}: periods settle oldest first, so settle ${older} first ("flattr settle --period ${older}"); nothing was written`);
    this.name = 'OlderPeriodPendingError';
  }
}

/** A self-check failed: the batch or run is rolled back rather than committed wrong. */
export class SettlementInvariantError extends Error {
  readonly code = 'SETTLEMENT_INVARIANT_BROKEN';
  constructor(readonly invariant: string, detail: string) {
    super(`settlement invariant "${invariant}" broken: ${detail}`);
    this.name = 'SettlementInvariantError';
  }
}

export class SettlementIncompleteError extends Error {
  readonly code = 'SETTLEMENT_INCOMPLETE';
  constructor(readonly period: string, readonly pending: number) {
    super(`settlement of ${period} still has ${pending} supporter(s) to settle; run "flattr settle --period ${period}" again to resume`);
    this.name = 'SettlementIncompleteError';
  }
}

export class SettlementNotOpenError extends Error {
  readonly code = 'SETTLEMENT_NOT_OPEN';
  constructor(readonly period: string) {
    super(`no settlement run exists for ${period}; start one with "flattr settle --period ${period}"`);
    this.name = 'SettlementNotOpenError';
  }
}

/** The settle job of a period failed for good (its retries spent, or a refusal): the run resumes when asked again. */
export class SettlementFailedError extends Error {
  readonly code = 'SETTLEMENT_FAILED';
  constructor(readonly period: string, readonly reason: string) {
    super(`settlement of ${period} failed: ${reason}; run "flattr settle --period ${period}" again to resume`);
    this.name = 'SettlementFailedError';
  }
}
