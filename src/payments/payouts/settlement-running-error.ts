import { InvalidInputError } from '../../domain/errors.js';

/**
 * A payout run refused while a settlement run is unfinished: it is still
 * crediting creator balances, so a payout now would split a month's money in
 * two. The monthly job retries later; `flattr payouts run` says to wait.
 */
export class SettlementRunningError extends InvalidInputError {
  override readonly code = 'SETTLEMENT_RUNNING';
  constructor(readonly period: string) {
    super('period', `the settlement of ${period} is still running; payouts wait for it (flattr periods shows it), then run again`);
  }
}
