import { currencyExponent, money, type Money } from '../../domain/money.js';

/**
 * A top-up is at least 5 and at most 10,000 units of the wallet's currency
 * (5.00 to 10,000.00 EUR). Below 5, Stripe's fixed fee (0.25 EUR on EEA
 * cards) would eat more than 5 % of it; the ceiling keeps a typo from
 * charging a fortune. Zero-decimal currencies may meet Stripe's own minimum
 * (50 JPY) first: Stripe's refusal is then shown as it is.
 */
export const TOPUP_MINIMUM_UNITS = 5n;
export const TOPUP_MAXIMUM_UNITS = 10_000n;

export function topupBounds(currency: string): { minimum: Money; maximum: Money } {
  const unit = 10n ** BigInt(currencyExponent(currency));
  return { minimum: money(TOPUP_MINIMUM_UNITS * unit, currency), maximum: money(TOPUP_MAXIMUM_UNITS * unit, currency) };
}
