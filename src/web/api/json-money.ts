import type { Money } from '../../domain/money.js';

/**
 * A bigint as a JSON number. Minor units and ids fit one far beyond any real
 * wallet or table (2^53); refuse rather than round if one ever does not.
 */
export function jsonNumber(n: bigint): number {
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`${n} too large for JSON`);
  return Number(n);
}

/** An amount as the API answers it: `{ minor, currency }`, minor units as a JSON number. */
export function jsonMoney(m: Money): { minor: number; currency: string } {
  return { minor: jsonNumber(m.minor), currency: m.currency };
}
