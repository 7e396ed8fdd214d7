import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function generate(cwd: string, args: string[] = []): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/generate-prisma.mjs', ...args], { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/**
 * `npm start` and `npm test` run the generator every time; it generates only
 * when the client is missing or stale. On a copy of the checkout (node_modules
 * linked), so the real client is never regenerated under other tests.
 */
describe('scripts/generate-prisma.mjs', { timeout: 180_000 }, () => {
  let copy: string;
  const client = () => path.join(copy, 'src/generated/prisma/client.ts');

  beforeAll(() => {
    copy = mkdtempSync(path.join(tmpdir(), 'flattr-generate-'));
    for (const entry of ['scripts', 'prisma', 'prisma.config.ts', 'package.json']) cpSync(path.join(ROOT, entry), path.join(copy, entry), { recursive: true });
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  });
  afterAll(() => { if (copy) rmSync(copy, { recursive: true, force: true }); });

  it('generates a missing client, then leaves an up-to-date one alone', async () => {
    const first = await generate(copy);
    expect(first.code, first.output).toBe(0);
    expect(first.output).toContain('Generated Prisma Client');
    const generatedAt = statSync(client()).mtimeMs;

    const again = await generate(copy);
    expect(again.code, again.output).toBe(0);
    expect(again.output).toBe('');
    expect(statSync(client()).mtimeMs).toBe(generatedAt);
  });

  it('generates again when the schema changes, when the client is gone, and when forced', async () => {
    expect((await generate(copy)).code).toBe(0);
    appendFileSync(path.join(copy, 'prisma/schema.prisma'), '\n// changed\n');
    expect((await generate(copy)).output).toContain('Generated Prisma Client');
    expect((await generate(copy)).output).toBe('');

    rmSync(path.join(copy, 'src/generated'), { recursive: true });
    expect((await generate(copy)).output).toContain('Generated Prisma Client');

    expect((await generate(copy, ['--force'])).output).toContain('Generated Prisma Client');
  });
});
