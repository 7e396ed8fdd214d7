import { describe, expect, it } from 'vitest';
import { runBench } from '../support/run-bench.js';

/** A tiny run of bench/settle so the benchmark cannot rot; the real figures come from a full run. */
describe('bench/settle smoke run', () => {
  it('prints (a), (b), ours with its peak RSS, (c) extrapolated and the ratios', async () => {
    const output = await runBench('bench/settle.ts', '0.001');
    expect(output).toMatch(/\(a\) GROUP BY supporter: \d+\.\d\d s/);
    expect(output).toMatch(/\(b\) one INSERT … SELECT split: \d+\.\d\d s/);
    expect(output).toMatch(/\(c\) naive ORM loop: \d+ supporters in \d+\.\d\d s/);
    expect(output).toMatch(/ours: \d+\.\d\d s, peak RSS \d+ MB/);
    expect(output).toMatch(/^1000 +100 +\d+\.\d\d +\d+\.\d\d +\d+\.\d\d +\d+ +\d+\.\d\d \(sample \d+\) +\d+\.\d\d +\d+\.\d\d +\d+\.\d$/m);
  }, 180_000);
});
