import { afterEach, describe, expect, it } from 'vitest';
import { formatAmounts, formatDay, formatPeriod } from '../../src/notices/format-notice.js';

/**
 * Digests format an amount and a date on every line, hundreds of thousands
 * a month: the Intl formatters are built once per locale and currency (or
 * zone) and kept, not built per line (bench/notify: deriving 200 digests
 * took 3.5 s and 730 MB, most of it building formatters).
 */
describe('notice formatting', () => {
  const { NumberFormat, DateTimeFormat } = Intl;
  const built = { numbers: 0, dates: 0 };
  afterEach(() => {
    Intl.NumberFormat = NumberFormat;
    Intl.DateTimeFormat = DateTimeFormat;
  });
  // Counting subclasses: what the code under test builds while they are in place.
  const count = () => {
    Intl.NumberFormat = class extends NumberFormat { constructor(...a: ConstructorParameters<typeof NumberFormat>) { super(...a); built.numbers++; } } as typeof NumberFormat;
    Intl.DateTimeFormat = class extends DateTimeFormat { constructor(...a: ConstructorParameters<typeof DateTimeFormat>) { super(...a); built.dates++; } } as typeof DateTimeFormat;
  };

  it('builds one number formatter per locale and currency, not one per amount, and formats as a fresh one does', () => {
    count();
    const texts = Array.from({ length: 1_000 }, (_, i) => formatAmounts([{ minor: BigInt(i * 7), currency: 'CHF' }], 'fr'));
    expect(built.numbers).toBeLessThanOrEqual(2);
    expect(texts[123]).toBe(new NumberFormat('fr', { style: 'currency', currency: 'CHF' }).format('8.61'));
  });

  it('builds one date formatter per locale and zone for days and one per locale for months, not one per date, and formats as a fresh one does', () => {
    count();
    const day = new Date('2027-02-28T23:30:00Z');
    const texts = Array.from({ length: 1_000 }, (_, i) => `${formatDay(day, 'fr', 'Asia/Tokyo')} ${formatPeriod(`2026-${String(1 + (i % 12)).padStart(2, '0')}`, 'fr')}`);
    expect(built.dates).toBe(2);
    expect(texts[999]).toBe(`${new DateTimeFormat('fr', { dateStyle: 'long', timeZone: 'Asia/Tokyo' }).format(day)} avril 2026`);
    expect(formatDay(day, 'en', 'UTC')).toBe('February 28, 2027');
    expect(formatDay(day, 'en', 'Asia/Tokyo')).toBe('March 1, 2027');
    expect(formatPeriod('2026-11', 'en')).toBe('November 2026');
  });
});
