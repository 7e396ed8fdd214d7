import { toDecimalString } from '../domain/money.js';

/**
 * The words of a settlement, shared by `flattr settle` (its summary and dry
 * run), `flattr report` and `flattr periods`, so an operator reads the same
 * line for the same money wherever it is printed.
 */

/** "1 supporter", "2 supporters". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "21.00 EUR": minor units in the currency's own exponent, never through floating point. */
export function formatAmount(minor: bigint, currency: string): string {
  return `${toDecimalString({ minor, currency })} ${currency}`;
}

export type TotalsRow = { currency: string; charged: bigint; fees: bigint; credited: bigint; escrowed: bigint; charity?: bigint };

/**
 * "EUR: charged 35.00, fees 3.50, to creators 15.75, to escrow 15.75, to charity 0.00".
 * What is charged and neither fee nor share went to charity (UNSPENT_POLICY=charity),
 * so it is derived when a row does not carry it.
 */
export function formatTotals(t: TotalsRow): string {
  const m = (minor: bigint) => toDecimalString({ minor, currency: t.currency });
  const charity = t.charity ?? t.charged - t.fees - t.credited - t.escrowed;
  return `${t.currency}: charged ${m(t.charged)}, fees ${m(t.fees)}, to creators ${m(t.credited)}, to escrow ${m(t.escrowed)}, to charity ${m(charity)}`;
}

/**
 * "2026-12-01 01:00 UTC": an instant as the operator reads it, in
 * SETTLEMENT_TZ; "12:03 UTC" when it falls on the same day as `today`.
 */
export function formatWhen(instant: Date, timeZone: string, today?: Date): string {
  const [date, time] = localParts(instant, timeZone);
  if (today && localParts(today, timeZone)[0] === date) return `${time} ${timeZone}`;
  return `${date} ${time} ${timeZone}`;
}

function localParts(instant: Date, timeZone: string): [string, string] {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return [`${get('year')}-${get('month')}-${get('day')}`, `${get('hour')}:${get('minute')}`];
}
