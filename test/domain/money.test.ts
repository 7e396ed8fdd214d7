import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMoney, parseAmount, parseCurrency, toDecimalString } from '../../src/domain/money.js';

describe('parseAmount', () => {
  it.each([
    ['35', 'EUR', 3500n],
    ['35.5', 'EUR', 3550n],
    ['35.50', 'EUR', 3550n],
    ['0.01', 'EUR', 1n],
    [' 7 ', 'usd', 700n],
    ['3500', 'JPY', 3500n],
    ['1.234', 'BHD', 1234n],
    ['0', 'EUR', 0n],
  ])('%s %s is %s minor units', (raw, currency, minor) => {
    expect(parseAmount(raw, currency).minor).toBe(minor);
  });

  it.each(['35,5', '1e3', '-2', '', '35.555', '.5', '5.', 'abc', '+3', '0x10', '1_000', 'Infinity', 'NaN', '١٢'])(
    'refuses %j naming the field',
    (raw) => {
      expect(() => parseAmount(raw, 'EUR', 'budget')).toThrow(/^budget: /);
    },
  );

  it('refuses decimals a currency does not have', () => {
    expect(() => parseAmount('10.5', 'JPY')).toThrow(/more than 0 decimals for JPY/);
  });

  it('round-trips every amount through its decimal string without floats', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 14n - 1n }), (minor) => {
      expect(parseAmount(toDecimalString({ minor, currency: 'EUR' }), 'EUR').minor).toBe(minor);
    }));
  });
});

describe('parseCurrency', () => {
  it('accepts ISO 4217 codes in any case', () => {
    expect(parseCurrency('eur')).toBe('EUR');
  });
  it.each(['EURO', 'XYZ', '€', '', 'E1R'])('refuses %j', (raw) => {
    expect(() => parseCurrency(raw)).toThrow(/^currency: .*ISO 4217/);
  });
});

describe('formatMoney', () => {
  it('formats exactly in the reader\'s locale', () => {
    expect(formatMoney({ minor: 350n, currency: 'EUR' }, 'en')).toBe('€3.50');
    expect(formatMoney({ minor: 350n, currency: 'EUR' }, 'fr').replace(/\s/g, ' ')).toBe('3,50 €');
    expect(formatMoney({ minor: 123456789012345678n, currency: 'EUR' }, 'en')).toBe('€1,234,567,890,123,456.78');
  });
});
