import { describe, expect, it } from 'vitest';
import { runBench } from '../support/run-bench.js';

/** A tiny run of bench/settle so the benchmark cannot rot; the real figures come from a full run. */
describe('bench/settle smoke run', () => {
  it('prints (a), (b), ours with its peak RSS and the self-check after it for each round, (c) extrapolated, the medians and the ratios', async () => {
    const output = await runBench('bench/settle.ts', '0.001');
    for (const round of [1, 2, 3]) {
      expect(output).toMatch(new RegExp(`round ${round}: \\(a\\) GROUP BY supporter: \\d+\\.\\d\\d s`));
      expect(output).toMatch(new RegExp(`round ${round}: \\(b\\) one INSERT … SELECT split: \\d+\\.\\d\\d s`));
      // Ours is the settle worker's run; the self-check it queues after finishing is timed apart.
      expect(output).toMatch(new RegExp(`round ${round}: ours: \\d+\\.\\d\\d s, peak RSS \\d+ MB \\(\\d+\\.\\d\\d × \\(b\\)\\); then the ledger self-check: \\d+\\.\\d\\d s`));
    }
    expect(output).toMatch(/\(c\) naive ORM loop: \d+ supporters in \d+\.\d\d s/);
    expect(output).toMatch(/medians of 3 rounds/);
    expect(output).toMatch(/^1000 +100 +\d+\.\d\d +\d+\.\d\d +\d+\.\d\d +\d+ +\d+\.\d\d \(sample \d+\) +\d+\.\d\d +\d+\.\d\d +\d+\.\d +\d+\.\d\d \d+\.\d\d \d+\.\d\d$/m);
  }, 180_000);
});
