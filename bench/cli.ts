/**
 * bench/cli: how long an operator waits for the `flattr` command, next to a
 * bare `node -e 0` measured in the same run (issue 13). Each figure is the
 * median of several runs; targets are printed beside them, never asserted.
 *
 *   npx tsx bench/cli.ts                 # 7 runs of the quick commands, 5 of each start
 *   BENCH_SCALE=0.1 npx tsx bench/cli.ts # a smoke run: one run each
 *
 * The bin is measured as `npm install` leaves it: the build runs first (a
 * no-op when dist/ is up to date), and the entry point it used is printed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { createPostgresDatabase } from '../test/support/database.js';
import { TEST_REDIS_URL } from '../test/support/env.js';
import { randomQueuePrefix } from '../test/support/queue.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = path.join(ROOT, 'bin/flattr.js');
const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const QUICK_RUNS = Math.max(1, Math.round(7 * SCALE));
const START_RUNS = Math.max(1, Math.round(5 * SCALE));
/** How long a started hub is left alone before its resident memory is read. */
const IDLE_MS = Math.max(1000, Math.round(10_000 * SCALE));

type Env = Record<string, string>;
const prefixes: string[] = [];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Only what the command needs: no platform token from the caller's shell turns an adapter on. */
function cleanEnv(extra: Env): Env {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'warn', ...extra };
}

/**
 * CPU seconds, beside the wall clock: on a shared machine the wall clock
 * says as much about the neighbours as about flattr. Read from /proc in
 * clock ticks (1/100 s): utime, stime, and cutime, cstime for the children
 * a process has waited for (npm's prestart, this process's finished commands).
 */
const TICK_MS = 10;
function cpuTicks(stat: string, withChildren: boolean): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return fields[11]! + fields[12]! + (withChildren ? fields[13]! + fields[14]! : 0);
}
const childrenCpuMs = () => {
  const fields = readFileSync('/proc/self/stat', 'utf8');
  return (cpuTicks(fields, true) - cpuTicks(fields, false)) * TICK_MS;
};
/** Everything a process group used so far: the hub, and for npm start npm and its prestart too. */
function groupCpuMs(pgid: number): number {
  let ticks = 0;
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) ticks += cpuTicks(stat, true);
    } catch {
      // gone meanwhile
    }
  }
  return ticks * TICK_MS;
}

type Timed = { ms: number; cpuMs: number; code: number | null; output: string };

function timeCommand(command: string, args: string[], env: Env): Promise<Timed> {
  return new Promise((resolve, reject) => {
    const cpuBefore = childrenCpuMs();
    const started = performance.now();
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, cpuMs: childrenCpuMs() - cpuBefore, code, output }));
  });
}

async function medianOf(runs: number, command: string, args: string[], env: Env): Promise<Timed> {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await timeCommand(command, args, env));
  const failed = results.find((r) => r.code !== 0);
  if (failed) throw new Error(`${command} ${args.join(' ')} exited ${failed.code}:\n${failed.output}`);
  return { ms: median(results.map((r) => r.ms)), cpuMs: median(results.map((r) => r.cpuMs)), code: 0, output: results[0]!.output };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

type Started = { child: ChildProcess; ms: number; cpuMs: number; stop(): Promise<void> };

/**
 * Spawns a hub and polls /healthz from the first moment: the figure is what an
 * orchestrator's probe sees, spawn to the first 200.
 */
async function startHub(command: string, args: string[], env: Env): Promise<Started> {
  const port = await freePort();
  const started = performance.now();
  // Its own process group, so `npm start` and the node it runs stop together.
  const child = spawn(command, args, { cwd: ROOT, env: { ...env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGTERM');
    const killer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  };
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited ${child.exitCode} before /healthz answered:\n${output}`);
    if (performance.now() - started > 60_000) {
      await stop();
      throw new Error(`/healthz did not answer 200 within 60 s:\n${output}`);
    }
    const status = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
    if (status === 200) return { child, ms: performance.now() - started, cpuMs: groupCpuMs(child.pid!), stop };
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function medianStart(runs: number, command: string, args: string[], env: () => Env): Promise<{ ms: number; cpuMs: number }> {
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const hub = await startHub(command, args, env());
    times.push(hub.ms);
    cpu.push(hub.cpuMs);
    await hub.stop();
  }
  return { ms: median(times), cpuMs: median(cpu) };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]);
  return kb / 1024;
}

async function removeQueueKeys(): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  try {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

/** Builds as `npm start` would: a no-op when dist/ is up to date. */
function build(): void {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`scripts/build.mjs failed:\n${result.stdout}${result.stderr}`);
}

/** What the bin runs now: dist/, or the sources through tsx when one changed since the build. */
function entryPoint(): string {
  const which = spawnSync(process.execPath, [BIN, '--help'], { cwd: ROOT, env: cleanEnv({ LOG_LEVEL: 'debug' }), encoding: 'utf8' });
  return /^flattr: running (.+)$/m.exec(which.stderr)?.[1] ?? 'unknown';
}

function line(label: string, figure: { ms: number; cpuMs: number }, runs: number, target: string, ok: boolean): void {
  console.log(`${label}: ${figure.ms.toFixed(0)} ms (median of ${runs}; cpu ${figure.cpuMs.toFixed(0)} ms), ${target}${ok ? '' : ' — MISSED'}`);
}

const database = await createPostgresDatabase();
const tmp = mkdtempSync(path.join(tmpdir(), 'flattr-bench-cli-'));
try {
  build();
  const entry = entryPoint();
  console.log(`entry point: ${entry}`);
  const pgEnv = () => {
    const prefix = randomQueuePrefix();
    prefixes.push(prefix);
    return cleanEnv({ DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, DATA_DIR: path.join(tmp, 'pg-data') });
  };

  const bare = await medianOf(QUICK_RUNS, process.execPath, ['-e', '0'], cleanEnv({}));
  console.log(`node -e 0: ${bare.ms.toFixed(0)} ms (median of ${QUICK_RUNS}; cpu ${bare.cpuMs.toFixed(0)} ms)`);

  const help = await medianOf(QUICK_RUNS, process.execPath, [BIN, '--help'], cleanEnv({}));
  const ratio = help.ms / bare.ms;
  line('flattr --help', help, QUICK_RUNS, `${ratio.toFixed(1)} × node -e 0 (target within 4 ×)`, ratio <= 4);

  const report = await medianOf(QUICK_RUNS, process.execPath, [BIN, 'report', '--period', '2026-10'], pgEnv());
  line('flattr report --period 2026-10, empty PostgreSQL', report, QUICK_RUNS, `${(report.ms / bare.ms).toFixed(1)} × node -e 0 (target within 1000 ms)`, report.ms <= 1000);

  const startPg = await medianStart(START_RUNS, process.execPath, [BIN, 'start'], () => ({ ...pgEnv(), LOG_LEVEL: 'info' }));
  line('node bin/flattr.js start → /healthz 200, PostgreSQL', startPg, START_RUNS, 'target within 3000 ms', startPg.ms <= 3000);

  const npmStartPg = await medianStart(START_RUNS, 'npm', ['start', '--silent'], () => ({ ...pgEnv(), LOG_LEVEL: 'info' }));
  line('npm start → /healthz 200, PostgreSQL', npmStartPg, START_RUNS, 'target within 3000 ms', npmStartPg.ms <= 3000);

  let fresh = 0;
  const startPglite = await medianStart(START_RUNS, 'npm', ['start', '--silent'], () => {
    const prefix = randomQueuePrefix();
    prefixes.push(prefix);
    return cleanEnv({ DATA_DIR: path.join(tmp, `pglite-${fresh++}`), REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' });
  });
  line('npm start → /healthz 200, embedded PGlite in a fresh DATA_DIR', startPglite, START_RUNS, 'target within 5000 ms', startPglite.ms <= 5000);

  const idle = await startHub(process.execPath, [BIN, 'start'], { ...pgEnv(), LOG_LEVEL: 'info' });
  await new Promise((r) => setTimeout(r, IDLE_MS));
  const rss = rssMb(idle.child.pid!);
  await idle.stop();
  console.log(`idle RSS, hub without adapters on PostgreSQL: ${rss.toFixed(0)} MB (VmRSS ${(IDLE_MS / 1000).toFixed(0)} s after /healthz), aim under 200 MB${rss < 200 ? '' : ' — MISSED'}`);
  const after = entryPoint();
  if (after !== entry) console.log(`warning: a source changed during the run; the bin now runs ${after}`);
} finally {
  await removeQueueKeys();
  await database.drop();
  rmSync(tmp, { recursive: true, force: true });
}
