import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { deleteKeys } from './delete-keys.js';
import { TEST_RUN_TAG } from './queue.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Runs a bench script at a tiny BENCH_SCALE and returns what it printed
 * (stdout and stderr). The bench makes its queue prefixes in its own process
 * (and hubs it starts write under them), so it gets a tag of its own, and
 * every key under that tag goes once it has exited.
 */
export async function runBench(script: string, scale: string): Promise<string> {
  const tag = `${TEST_RUN_TAG}-b${randomBytes(3).toString('hex')}`;
  try {
    return await new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script], {
        cwd: ROOT, env: { ...process.env, BENCH_SCALE: scale, FLATTR_TEST_RUN: tag }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${script} exited ${code}:\n${out}`))));
    });
  } finally {
    await deleteKeys([`{t-${tag}-*`]);
  }
}
