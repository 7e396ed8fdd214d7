import { describe, expect, it } from 'vitest';
import { runBench } from '../support/run-bench.js';

/** A tiny run of bench/cli so the benchmark cannot rot; the figures come from a full run (README). */
describe('bench/cli smoke run', () => {
  it('prints node -e 0 and each CLI figure beside its target, and the idle RSS', async () => {
    const output = await runBench('bench/cli.ts', '0.1');
    expect(output).toMatch(/^entry point: .+$/m);
    expect(output).toMatch(/^node -e 0: \d+ ms \(median of 1; cpu \d+ ms\)$/m);
    expect(output).toMatch(/^flattr --help: \d+ ms \(median of 1; cpu \d+ ms\), \d+\.\d × node -e 0 \(target within 4 ×\)/m);
    expect(output).toMatch(/^flattr report --period 2026-10, empty PostgreSQL: \d+ ms \(median of 1; cpu \d+ ms\), \d+\.\d × node -e 0 \(target within 1000 ms\)/m);
    expect(output).toMatch(/^node bin\/flattr\.js start → \/healthz 200, PostgreSQL: \d+ ms \(median of 1; cpu \d+ ms\), target within 3000 ms/m);
    expect(output).toMatch(/^npm start → \/healthz 200, PostgreSQL: \d+ ms \(median of 1; cpu \d+ ms\), target within 3000 ms/m);
    expect(output).toMatch(/^npm start → \/healthz 200, embedded PGlite in a fresh DATA_DIR: \d+ ms \(median of 1; cpu \d+ ms\), target within 5000 ms/m);
    expect(output).toMatch(/^idle RSS, hub without adapters on PostgreSQL: \d+ MB \(VmRSS \d+ s after \/healthz\), aim under 200 MB/m);
  }, 240_000);
});
