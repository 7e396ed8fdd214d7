import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresDatabase } from '../support/database.js';
import { startHubProcess } from '../support/hub-process.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TRACE_HOOK = path.join(ROOT, 'test/support/trace-imports.mjs');
const HEAVY = ['zod', 'fastify', '@bull-board/', 'discord.js', '@slack/bolt', 'bullmq', 'ioredis', '@prisma/client', '@prisma/adapter-pg', '@electric-sql/pglite', 'pino', 'prom-client'];

/** The packages (node_modules/<name>) a `flattr` command loaded, read through a resolve hook. */
async function packagesLoadedBy(args: string[], traceFile: string, env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; packages: Set<string> }> {
  const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TRACE_HOOK, 'bin/flattr.js', ...args], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TRACE_IMPORTS_FILE: traceFile, ...env }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, stdout: out }));
  });
  return { code, stdout, packages: packagesIn(traceFile) };
}

function packagesIn(traceFile: string): Set<string> {
  const packages = new Set<string>();
  for (const url of readFileSync(traceFile, 'utf8').split('\n')) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match && !/\/node_modules\/(tsx|esbuild|get-tsconfig|resolve-pkg-maps)\//.test(url)) packages.add(match[1]!);
  }
  return packages;
}

/** A command loads what it uses: `flattr --help` only commander, `report` the database driver and not the hub's other packages. */
describe('what a flattr command loads', { timeout: 120_000 }, () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(path.join(tmpdir(), 'flattr-imports-')); });
  afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it.each([[['--help']], [['report', '--help']], [['start', '--help']]])('flattr %j loads no server, queue, database or platform package', async (args) => {
    const { code, stdout, packages } = await packagesLoadedBy(args, path.join(dir, `${args.join('_')}.txt`));
    expect(code).toBe(0);
    expect(stdout).toMatch(/Usage: flattr/);
    expect(packages).toContain('commander');
    expect([...packages].filter((name) => HEAVY.some((heavy) => name.startsWith(heavy)))).toEqual([]);
  });

  it('flattr report on PostgreSQL loads the database driver, not the queue, the server, PGlite or a platform', async () => {
    const database = await createPostgresDatabase();
    try {
      const env = { DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(), DATA_DIR: dir };
      const { code, stdout, packages } = await packagesLoadedBy(['report', '--period', '2026-10'], path.join(dir, 'report.txt'), env);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^2026-10: /);
      expect(packages).toContain('@prisma/adapter-pg');
      // The size-optimised query compiler (prisma/schema.prisma): about 50 MB less resident memory.
      expect(readFileSync(path.join(dir, 'report.txt'), 'utf8')).toMatch(/@prisma\/client\/runtime\/query_compiler_small_bg\.postgresql\.wasm-base64\.mjs/);
      const unneeded = ['fastify', '@bull-board/', 'discord.js', '@slack/bolt', 'bullmq', 'ioredis', '@electric-sql/pglite'];
      expect([...packages].filter((name) => unneeded.some((heavy) => name.startsWith(heavy)))).toEqual([]);
    } finally {
      await database.drop();
    }
  });

  it('flattr start with no platform configured loads neither discord.js nor Slack Bolt', async () => {
    const database = await createPostgresDatabase();
    const trace = path.join(dir, 'start.txt');
    try {
      const hub = await startHubProcess({
        DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(), DATA_DIR: dir,
        NODE_OPTIONS: `--import ${TRACE_HOOK}`, TRACE_IMPORTS_FILE: trace,
      });
      expect((await fetch(`${hub.url}/healthz`)).status).toBe(200);
      expect((await hub.stop()).code).toBe(0);
      const packages = packagesIn(trace);
      expect(packages).toContain('fastify');
      expect(packages).toContain('bullmq');
      expect([...packages].filter((name) => ['discord.js', '@discordjs/', '@slack/'].some((sdk) => name.startsWith(sdk)))).toEqual([]);
    } finally {
      await database.drop();
    }
  });
});
