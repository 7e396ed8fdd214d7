import { toDecimalString } from '../../domain/money.js';
import type { HistoryMonth, HistoryRecipient } from '../../people/load-supporter-history.js';

const HEADER = ['period', 'line', 'platform', 'account', 'name', 'flattrs', 'amount', 'currency'];

/**
 * A supporter's history as CSV (RFC 4180: comma-separated, CRLF line ends,
 * fields quoted when they hold a comma, quote or line break, quotes doubled).
 * Per month a `charged` line, a `fee` line and one `recipient` line per
 * creator, amounts as plain decimal strings ("35.00") beside their currency,
 * so a spreadsheet reads exact numbers in any locale.
 */
export function historyCsv(months: readonly HistoryMonth[], recipients: readonly HistoryRecipient[]): string {
  const lines: string[][] = [HEADER];
  for (const month of months) {
    const amount = (minor: bigint) => toDecimalString({ minor, currency: month.currency });
    lines.push([month.period, 'charged', '', '', '', String(month.flattrs), amount(month.charged), month.currency]);
    lines.push([month.period, 'fee', '', '', '', '', amount(month.fee), month.currency]);
    for (const r of recipients.filter((x) => x.period === month.period)) {
      lines.push([month.period, 'recipient', r.platform, r.externalId, r.handle ?? '', String(r.flattrs), amount(r.amount), month.currency]);
    }
  }
  return lines.map((line) => line.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * One field, quoted where RFC 4180 needs it. A text that a spreadsheet would
 * run as a formula (starting with = + - @, or a tab or carriage return that
 * some strip first) gets a leading apostrophe, per OWASP's CSV injection
 * advice: a creator's display name is theirs to choose. Our own amounts are
 * never negative, so no number is touched.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
