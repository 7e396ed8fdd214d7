import { createHash } from 'node:crypto';

/**
 * The month-end split of one supporter's budget (money rules 5–8), pure.
 * It is the specification: the set-based SQL settlement is tested against it
 * on random worlds, so every rule lives here first.
 */

export type UnspentPolicy = 'keep' | 'charity';
export type SplitFlattr = { readonly id: bigint; readonly recipientIdentityId: number };
export type SplitInput = {
  supporterId: number;
  period: string;
  budget: bigint;
  wallet: bigint;
  feeBps: number;
  policy: UnspentPolicy;
  /** The supporter's active flattrs in the period. */
  flattrs: readonly SplitFlattr[];
};
export type FlattrShareAmount = { flattrId: bigint; recipientIdentityId: number; amount: bigint };
export type SplitResult = {
  /** A = min(budget, wallet), never below zero. */
  available: bigint;
  /** What leaves the wallet: A with flattrs, A or 0 (charity or keep) without. */
  charged: bigint;
  fee: bigint;
  distributable: bigint;
  charity: bigint;
  /** One per flattr, in flattr id order. */
  shares: FlattrShareAmount[];
  /** Rule 8: per recipient identity, the sum of its flattrs' shares. */
  credits: Map<number, bigint>;
};

export class SplitInputError extends Error {
  readonly code = 'INVALID_SPLIT_INPUT';
}

/**
 * Rule 7's tie order: md5 of "supporter:period:flattrId", as lowercase hex,
 * compared byte-wise (SQL: md5(...) COLLATE "C"). It is the same in both
 * languages, depends only on the data, and changes every period, so no
 * creator is first in line month after month.
 */
export function tieOrderKey(supporterId: number, period: string, flattrId: bigint): string {
  return createHash('md5').update(`${supporterId}:${period}:${flattrId}`).digest('hex');
}

/** ⌊A × FEE_BPS / 10000⌋ (rule 6), in integers. */
export function feeOf(available: bigint, feeBps: number): bigint {
  return (available * BigInt(feeBps)) / 10000n;
}

export function splitBudget(input: SplitInput): SplitResult {
  if (!Number.isInteger(input.feeBps) || input.feeBps < 0 || input.feeBps > 10000) throw new SplitInputError(`feeBps ${input.feeBps} is not an integer in 0..10000`);
  if (input.budget < 0n) throw new SplitInputError('budget must not be negative');
  const min = input.budget < input.wallet ? input.budget : input.wallet;
  const available = min > 0n ? min : 0n;
  const n = BigInt(input.flattrs.length);
  if (n === 0n) {
    const charity = input.policy === 'charity' ? available : 0n;
    return { available, charged: charity, fee: 0n, distributable: 0n, charity, shares: [], credits: new Map() };
  }
  const fee = feeOf(available, input.feeBps);
  const distributable = available - fee;
  const base = distributable / n;
  const extra = distributable % n;
  const ordered = input.flattrs
    .map((f) => ({ f, key: tieOrderKey(input.supporterId, input.period, f.id) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.f.id < b.f.id ? -1 : a.f.id > b.f.id ? 1 : 0));
  const shares = ordered.map(({ f }, rank) => ({
    flattrId: f.id, recipientIdentityId: f.recipientIdentityId, amount: base + (BigInt(rank) < extra ? 1n : 0n),
  }));
  shares.sort((a, b) => (a.flattrId < b.flattrId ? -1 : a.flattrId > b.flattrId ? 1 : 0));
  const credits = new Map<number, bigint>();
  for (const s of shares) credits.set(s.recipientIdentityId, (credits.get(s.recipientIdentityId) ?? 0n) + s.amount);
  return { available, charged: available, fee, distributable, charity: 0n, shares, credits };
}
