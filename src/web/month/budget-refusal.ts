import { CurrencyLockedError, type InvalidInputError } from '../../domain/errors.js';
import { currencyExponent, formatMoney } from '../../domain/money.js';
import type { MonthMessages } from '../messages/month.js';
import type { WebLocale } from '../pick-locale.js';

/**
 * A refused budget change in the reader's language (the JSON API answers
 * the error's own English message and code instead).
 */
export function describeBudgetRefusal(error: InvalidInputError, t: MonthMessages, locale: WebLocale, typed: { amount: string; currency: string }): string {
  if (error instanceof CurrencyLockedError) {
    return t.errors.currencyLocked(error.current, error.wanted, formatMoney({ minor: error.balanceMinor, currency: error.current }, locale));
  }
  if (error.field === 'currency') return t.errors.badCurrency(typed.currency);
  if (error.field === 'identity') return t.errors.noIdentity;
  const exponent = safeExponent(typed.currency);
  return t.errors.badAmount(typed.amount, exponent ? `35.${'5'.padEnd(exponent, '0')}` : '3500');
}

function safeExponent(currency: string): number {
  try {
    return currencyExponent(currency.trim().toUpperCase() || 'EUR');
  } catch {
    return 2;
  }
}
