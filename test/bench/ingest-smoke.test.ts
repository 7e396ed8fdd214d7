import { describe, expect, it } from 'vitest';
import { runBench } from '../support/run-bench.js';

/** A tiny run of bench/ingest so the benchmark cannot rot; the real figures come from a full run. */
describe('bench/ingest smoke run', () => {
  it('prints end-to-end and raw throughput, their ratio and live latencies', async () => {
    const output = await runBench('bench/ingest.ts', '0.01');
    expect(output).toMatch(/end to end \(NDJSON → committed flattrs\): [\d,]+ likes\/s/);
    expect(output).toMatch(/end to end with a running hub \(.*\): [\d,]+ likes\/s/);
    expect(output).toMatch(/raw BullMQ \(addBulk \+ no-op worker, concurrency \d+\): [\d,]+ jobs\/s/);
    expect(output).toMatch(/ratio end-to-end \/ best raw \(concurrency \d+\): \d+\.\d\d in one process, \d+\.\d\d with a running hub/);
    expect(output).toMatch(/live: [\d,]+ likes at 1000\/s for \d+ s, enqueue → committed: p50 \d+ ms, p99 \d+ ms/);
  }, 180_000);
});
