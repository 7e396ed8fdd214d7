/** Notices are derived only from a period whose run is finished and committed (docs/architecture.md, Notices). */
export class NoticesNotReadyError extends Error {
  readonly code = 'NOTICES_NOT_READY';
  constructor(readonly period: string, readonly status: string) {
    super(`${period} is ${status}, not settled: its notices are derived once its settlement has finished (flattr settle --period ${period})`);
    this.name = 'NoticesNotReadyError';
  }
}
