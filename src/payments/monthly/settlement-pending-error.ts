import { InvalidInputError } from '../../domain/errors.js';

/**
 * Monthly top-ups refused while a period is not settled: its settlement
 * spends the wallets the run judges, so a wallet still holding last month's
 * budget would skip this month. The job retries later; `flattr topups run`
 * says to wait.
 */
export class SettlementPendingError extends InvalidInputError {
  override readonly code = 'SETTLEMENT_PENDING';
  constructor(readonly period: string) {
    super('period', `${period} is not settled yet; monthly top-ups wait for its settlement (flattr periods shows it), then run again`);
  }
}
