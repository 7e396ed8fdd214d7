import type { ChatLocale } from '../chat/chat-types.js';
import { formatMoney, type Money } from '../domain/money.js';

/**
 * Date formatters by what they format, kept: every statement names its
 * month and a digest dates every unclaimed creator's line, and building a
 * formatter costs more than using it (in memory outside the JavaScript heap
 * too, until it is collected).
 */
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(locale: ChatLocale, options: Intl.DateTimeFormatOptions & { timeZone: string }): Intl.DateTimeFormat {
  const key = `${locale}\u001f${JSON.stringify(options)}`;
  let format = dateFormats.get(key);
  if (!format) dateFormats.set(key, (format = new Intl.DateTimeFormat(locale, options)));
  return format;
}

/** "November 2026" / "novembre 2026": the period's month, whatever the settlement zone (a period is a name, not an instant). */
export function formatPeriod(period: string, locale: ChatLocale): string {
  const [y, m] = period.split('-').map(Number) as [number, number];
  return dateFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 15)));
}

/** "February 28, 2027" / "28 février 2027", read in SETTLEMENT_TZ. */
export function formatDay(date: Date, locale: ChatLocale, timeZone: string): string {
  return dateFormat(locale, { dateStyle: 'long', timeZone }).format(date);
}

/** Amounts in several currencies, joined: "€12.60 + $3.00". */
export function formatAmounts(amounts: readonly Money[], locale: ChatLocale): string {
  return amounts.map((a) => formatMoney(a, locale)).join(' + ');
}

/** The locales the hub writes in; anything else is English. */
export function noticeLocale(raw: string | null | undefined): ChatLocale {
  return raw === 'fr' ? 'fr' : 'en';
}
