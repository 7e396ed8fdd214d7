import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const semver = createRequire(import.meta.url)('semver') as { minVersion(range: string): { version: string } | null; satisfies(version: string, range: string): boolean };
const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(path.join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version?: string; engines?: Record<string, string> | string[] }> };
const OLDEST_NODE = semver.minVersion(pkg.engines.node)!.version;

/**
 * Packages that declare a newer Node than ours and are never loaded by this
 * project, each with the test below that shows it (README, "Install").
 */
const NEVER_LOADED = {
  // prisma (the generator CLI, a dev dependency) → @prisma/dev → the `prisma dev` local server; `prisma generate` never imports it.
  'node_modules/@prisma/streams-local': 'prisma dev only',
};

function generateTraced(cwd: string, traceFile: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/generate-prisma.mjs', '--force'], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TRACE_IMPORTS_FILE: traceFile, NODE_OPTIONS: `--import ${path.join(ROOT, 'test/support/trace-imports.mjs')}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe(`an install that fits Node ${OLDEST_NODE}`, { timeout: 180_000 }, () => {
  it(`every installed package declares support for Node ${OLDEST_NODE}, save those this project never loads`, () => {
    const newer = Object.entries(lock.packages)
      .filter(([, entry]) => entry.engines && !Array.isArray(entry.engines) && entry.engines.node && !semver.satisfies(OLDEST_NODE, entry.engines.node))
      .map(([name, entry]) => `${name}@${entry.version} (node ${(entry.engines as Record<string, string>).node})`);
    expect(newer.map((line) => line.split('@').slice(0, -1).join('@'))).toEqual(Object.keys(NEVER_LOADED));
  });

  it('fastify.inject sends cookies through the cookie version pinned for light-my-request', async () => {
    const app = Fastify();
    app.get('/', async (request) => ({ cookie: request.headers.cookie }));
    const response = await app.inject({ url: '/', cookies: { session: 'a b', lang: 'fr' } });
    expect(response.json()).toEqual({ cookie: 'session=a%20b; lang=fr' });
    await app.close();
  });

  it('@fastify/static names a download through the content-disposition version pinned for it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flattr-static-'));
    try {
      writeFileSync(path.join(dir, 'report.csv'), 'a,b\n');
      const app = Fastify();
      await app.register(fastifyStatic, { root: dir, serve: false });
      app.get('/download', (_request, reply) => reply.download('report.csv', 'rapport été.csv'));
      const response = await app.inject({ url: '/download' });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-disposition']).toBe('attachment; filename="rapport ?t?.csv"; filename*=UTF-8\'\'rapport%20%C3%A9t%C3%A9.csv');
      expect(response.body).toBe('a,b\n');
      await app.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prisma generate never loads @prisma/streams-local (nor the @prisma/dev server that would)', async () => {
    const copy = mkdtempSync(path.join(tmpdir(), 'flattr-generate-'));
    try {
      for (const entry of ['scripts', 'prisma', 'prisma.config.ts', 'package.json']) cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
      symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
      const trace = path.join(copy, 'trace.txt');
      const { code, output } = await generateTraced(copy, trace);
      expect(code, output).toBe(0);
      expect(existsSync(path.join(copy, 'src/generated/prisma/client.ts'))).toBe(true);
      const loaded = readFileSync(trace, 'utf8');
      expect(loaded).toContain('node_modules/prisma/build/index.js');
      expect(loaded).not.toMatch(/node_modules\/@prisma\/streams-local\//);
      expect(loaded).not.toMatch(/node_modules\/@prisma\/dev\/dist\/(index|daemon)\./);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
