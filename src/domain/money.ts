import { InvalidInputError } from './errors.js';

/** An amount in integer minor units (cents) of one ISO 4217 currency. */
export type Money = { readonly minor: bigint; readonly currency: string };

const ISO_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

/** Minor-unit exponent of a currency (EUR 2, JPY 0, BHD 3), per ICU's ISO 4217 data. */
export function currencyExponent(currency: string): number {
  let exponent = exponents.get(currency);
  if (exponent === undefined) exponents.set(currency, (exponent = currencyFormat('en', currency).resolvedOptions().maximumFractionDigits ?? 2));
  return exponent;
}

const exponents = new Map<string, number>();

/**
 * One Intl.NumberFormat per locale and currency, kept: building one costs
 * more than formatting with it, in memory outside the JavaScript heap too,
 * and a month's notices format hundreds of thousands of amounts
 * (bench/notify: 3.5 s and 730 MB to derive 200 digests, 1.1 s and 275 MB with them kept).
 */
const currencyFormats = new Map<string, Intl.NumberFormat>();

function currencyFormat(locale: string, currency: string): Intl.NumberFormat {
  const key = `${locale}\u001f${currency}`;
  let format = currencyFormats.get(key);
  if (!format) currencyFormats.set(key, (format = new Intl.NumberFormat(locale, { style: 'currency', currency })));
  return format;
}

export function parseCurrency(raw: string, field = 'currency'): string {
  const code = raw.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !ISO_CURRENCIES.has(code)) {
    throw new InvalidInputError(field, `"${raw}" is not an ISO 4217 currency code (e.g. EUR, USD, JPY)`);
  }
  return code;
}

export function money(minor: bigint, currency: string): Money {
  if (typeof minor !== 'bigint') throw new TypeError('money amounts are bigint minor units');
  return { minor, currency: parseCurrency(currency) };
}

/**
 * Parses a decimal amount typed by a person ("35", "35.5", "35.50") into minor
 * units by string arithmetic: no floating point ever sees it. Refuses signs,
 * exponents, thousands separators and decimal commas rather than guessing.
 */
export function parseAmount(raw: string, currency: string, field = 'amount'): Money {
  const code = parseCurrency(currency);
  const exponent = currencyExponent(code);
  const text = raw.trim();
  const match = /^(\d{1,12})(?:\.(\d+))?$/.exec(text);
  if (!match) {
    throw new InvalidInputError(field, `"${raw}" is not an amount: write digits with an optional "." and up to ${exponent} decimals, e.g. ${exponent ? '35.50' : '3500'}`);
  }
  const [, whole, fraction = ''] = match;
  if (fraction.length > exponent) {
    throw new InvalidInputError(field, `"${raw}" has more than ${exponent} decimal${exponent === 1 ? '' : 's'} for ${code}`);
  }
  const minor = BigInt(whole!) * 10n ** BigInt(exponent) + BigInt(fraction.padEnd(exponent, '0') || '0');
  return { minor, currency: code };
}

export function addMoney(a: Money, b: Money): Money {
  if (a.currency !== b.currency) throw new InvalidInputError('currency', `cannot add ${a.currency} and ${b.currency}`);
  return { minor: a.minor + b.minor, currency: a.currency };
}

/** Formats for people, in their locale, from exact minor units. */
export function formatMoney(amount: Money, locale = 'en'): string {
  // Intl formats exact decimal strings, so no float is ever made from the amount.
  const decimal = toDecimalString(amount) as `${number}`;
  return currencyFormat(locale, amount.currency).format(decimal);
}

/** The plain decimal string of an amount ("35.00"), for CLI output and logs. */
export function toDecimalString(amount: Money): string {
  const exponent = currencyExponent(amount.currency);
  const negative = amount.minor < 0n;
  const abs = negative ? -amount.minor : amount.minor;
  const scale = 10n ** BigInt(exponent);
  return `${negative ? '-' : ''}${abs / scale}${exponent ? '.' + String(abs % scale).padStart(exponent, '0') : ''}`;
}
