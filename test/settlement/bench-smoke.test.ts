import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A tiny run of bench/settle so the benchmark cannot rot; the real figures come from a full run. */
describe('bench/settle smoke run', () => {
  it('prints (a), (b), ours with its peak RSS, (c) extrapolated and the ratios', async () => {
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'bench/settle.ts'], {
        cwd: ROOT, env: { ...process.env, BENCH_SCALE: '0.001' }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`bench exited ${code}:\n${out}`))));
    });
    expect(output).toMatch(/\(a\) GROUP BY supporter: \d+\.\d\d s/);
    expect(output).toMatch(/\(b\) one INSERT … SELECT split: \d+\.\d\d s/);
    expect(output).toMatch(/\(c\) naive ORM loop: \d+ supporters in \d+\.\d\d s/);
    expect(output).toMatch(/ours: \d+\.\d\d s, peak RSS \d+ MB/);
    expect(output).toMatch(/^1000 +100 +\d+\.\d\d +\d+\.\d\d +\d+\.\d\d +\d+ +\d+\.\d\d \(sample \d+\) +\d+\.\d\d +\d+\.\d\d +\d+\.\d$/m);
  }, 180_000);
});
