import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitBudget, tieOrderKey, type SplitInput } from '../../src/domain/split.js';

const flattrsOf = (n: number, recipients = n) => Array.from({ length: n }, (_, i) => ({ id: BigInt(i + 1), recipientIdentityId: 100 + (i % recipients) }));
const input = (over: Partial<SplitInput>): SplitInput => ({
  supporterId: 7, period: '2026-11', budget: 3500n, wallet: 10_000n, feeBps: 1000, policy: 'keep', flattrs: flattrsOf(10), ...over,
});
const amounts = (r: ReturnType<typeof splitBudget>) => r.shares.map((s) => s.amount);

describe('splitBudget: table', () => {
  it('splits 35.00 over 10 flattrs with a 10% fee', () => {
    const r = splitBudget(input({}));
    expect([r.charged, r.fee, r.distributable]).toEqual([3500n, 350n, 3150n]);
    expect(amounts(r)).toEqual(Array(10).fill(315n));
  });

  it('gives 1 cent over 3 flattrs to exactly one of them, chosen by the tie order', () => {
    const r = splitBudget(input({ budget: 1n, feeBps: 0, flattrs: flattrsOf(3) }));
    expect(amounts(r).sort()).toEqual([0n, 0n, 1n]);
    const keys = [1n, 2n, 3n].map((id) => tieOrderKey(7, '2026-11', id));
    const winner = [1n, 2n, 3n][keys.indexOf([...keys].sort()[0]!)];
    expect(r.shares.find((s) => s.amount === 1n)!.flattrId).toBe(winner);
  });

  it('hands a budget smaller than N out one cent each, the rest get nothing', () => {
    const r = splitBudget(input({ budget: 7n, feeBps: 0, flattrs: flattrsOf(10) }));
    expect(amounts(r).filter((a) => a === 1n)).toHaveLength(7);
    expect(amounts(r).filter((a) => a === 0n)).toHaveLength(3);
  });

  it('takes no fee with FEE_BPS 0 and everything with FEE_BPS 10000', () => {
    expect(splitBudget(input({ feeBps: 0 })).fee).toBe(0n);
    const all = splitBudget(input({ feeBps: 10000 }));
    expect([all.fee, all.distributable]).toEqual([3500n, 0n]);
    expect(amounts(all).every((a) => a === 0n)).toBe(true);
  });

  it('rounds the fee down: 10% of 0.99 is 0.09', () => {
    const r = splitBudget(input({ budget: 99n }));
    expect([r.fee, r.distributable]).toEqual([9n, 90n]);
  });

  it('gives everything to a single flattr', () => {
    const r = splitBudget(input({ budget: 1234n, flattrs: flattrsOf(1) }));
    expect(amounts(r)).toEqual([1111n]);
    expect(r.credits).toEqual(new Map([[100, 1111n]]));
  });

  it('charges min(budget, wallet)', () => {
    expect(splitBudget(input({ wallet: 1000n })).charged).toBe(1000n);
    expect(splitBudget(input({ wallet: 0n })).charged).toBe(0n);
  });

  it('moves nothing without flattrs (keep) or gives the available budget to charity', () => {
    expect(splitBudget(input({ flattrs: [] }))).toMatchObject({ charged: 0n, charity: 0n, fee: 0n });
    expect(splitBudget(input({ flattrs: [], policy: 'charity', wallet: 2000n }))).toMatchObject({ charged: 2000n, charity: 2000n, fee: 0n });
    expect(splitBudget(input({ flattrs: [], policy: 'charity', wallet: 0n }))).toMatchObject({ charged: 0n, charity: 0n });
  });

  it('sums a recipient credit over its flattrs', () => {
    const r = splitBudget(input({ budget: 1000n, feeBps: 0, flattrs: flattrsOf(4, 2) }));
    expect([...r.credits.values()]).toEqual([500n, 500n]);
  });

  it('refuses a fee outside 0..10000', () => {
    expect(() => splitBudget(input({ feeBps: 10001 }))).toThrow(/feeBps/);
  });
});

const worldInput = fc.record({
  supporterId: fc.integer({ min: 1, max: 1_000_000 }),
  period: fc.constantFrom('2026-01', '2026-11', '2027-12'),
  budget: fc.bigInt({ min: 0n, max: 10n ** 12n }),
  wallet: fc.bigInt({ min: 0n, max: 10n ** 12n }),
  feeBps: fc.integer({ min: 0, max: 10000 }),
  policy: fc.constantFrom('keep' as const, 'charity' as const),
  flattrs: fc.uniqueArray(fc.bigInt({ min: 1n, max: 10n ** 9n }), { maxLength: 60 })
    .chain((ids) => fc.tuple(...ids.map((id) => fc.integer({ min: 1, max: 8 }).map((r) => ({ id, recipientIdentityId: r }))))),
});

describe('splitBudget: properties', () => {
  it('Σ shares = D, the fee is exact, every share is ⌊D/N⌋ or ⌈D/N⌉, credits add up', () => {
    fc.assert(fc.property(worldInput, (w) => {
      const r = splitBudget(w);
      const a = w.budget < w.wallet ? w.budget : w.wallet;
      expect(r.available).toBe(a);
      if (w.flattrs.length === 0) {
        expect(r.shares).toEqual([]);
        expect(r.charged).toBe(w.policy === 'charity' ? a : 0n);
        return;
      }
      const n = BigInt(w.flattrs.length);
      expect(r.fee).toBe((a * BigInt(w.feeBps)) / 10000n);
      expect(r.fee * 10000n <= a * BigInt(w.feeBps) && (r.fee + 1n) * 10000n > a * BigInt(w.feeBps)).toBe(true);
      expect(r.distributable).toBe(a - r.fee);
      expect(r.shares.reduce((s, x) => s + x.amount, 0n)).toBe(r.distributable);
      const lo = r.distributable / n;
      const hi = lo + (r.distributable % n === 0n ? 0n : 1n);
      for (const s of r.shares) expect(s.amount === lo || s.amount === hi).toBe(true);
      expect([...r.credits.values()].reduce((s, x) => s + x, 0n)).toBe(r.distributable);
      expect(r.charged).toBe(r.fee + r.distributable);
    }), { numRuns: 500 });
  });

  it('gives the same result for the same data, whatever the order of the flattrs', () => {
    fc.assert(fc.property(worldInput, fc.integer(), (w, seed) => {
      const shuffled = [...w.flattrs].sort((x, y) => ((Number(x.id % 97n) * seed) % 13) - ((Number(y.id % 97n) * seed) % 13));
      expect(splitBudget({ ...w, flattrs: shuffled })).toEqual(splitBudget(w));
    }), { numRuns: 200 });
  });
});
