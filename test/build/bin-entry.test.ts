import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distIsFresh } from '../../scripts/dist-state.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function run(cwd: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * The bin runs dist/ when it holds the sources as they are, and the sources
 * through tsx otherwise. Checked on a copy of the checkout (node_modules
 * linked), so other work in this tree cannot make dist/ stale under the test.
 */
describe('the flattr bin and dist/', { timeout: 180_000 }, () => {
  let copy: string;
  const later = (seconds: number) => new Date(Date.now() + seconds * 1000);

  const copies: string[] = [];
  const copyCheckout = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flattr-bin-'));
    copies.push(dir);
    for (const entry of ['bin', 'scripts', 'src', 'adapters', 'workers', 'prisma', 'prisma.config.ts', 'dist', 'package.json', 'tsconfig.json', 'tsconfig.build.json']) {
      cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true });
    }
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    return dir;
  };

  beforeAll(async () => {
    const build = await run(ROOT, ['scripts/build.mjs'], {});
    expect(build.code, build.stderr).toBe(0);
    copy = copyCheckout();
  });
  afterAll(() => { for (const dir of copies) rmSync(dir, { recursive: true, force: true }); });

  it('runs dist/ when it was built after every source, and finds prisma/migrations from there', async () => {
    utimesSync(path.join(copy, 'dist/.tsbuildinfo'), later(5), later(5));
    expect(distIsFresh(copy)).toBe(true);
    const { code, stdout, stderr } = await run(copy, ['bin/flattr.js', 'migrate'], { LOG_LEVEL: 'debug', DATA_DIR: path.join(copy, '.data') });
    expect(stderr).toContain('flattr: running dist/');
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(/^pglite: \d+ migration\(s\) applied \(\d{14}_init/m);
  });

  it('runs the sources through tsx when a source is newer than the build, or dist/ is gone', async () => {
    utimesSync(path.join(copy, 'dist/.tsbuildinfo'), later(5), later(5));
    utimesSync(path.join(copy, 'src/cli/output.ts'), later(10), later(10));
    expect(distIsFresh(copy)).toBe(false);
    const stale = await run(copy, ['bin/flattr.js', '--help'], { LOG_LEVEL: 'debug' });
    expect(stale.stderr).toContain('running the TypeScript sources through tsx');
    expect(stale.code).toBe(0);
    expect(stale.stdout).toContain('flattr supporter set');
    // Nothing else on stderr: the V8 flag the bin sets for commands is one this Node knows.
    expect(stale.stderr.trim().split('\n')).toHaveLength(1);

    rmSync(path.join(copy, 'dist'), { recursive: true });
    expect(distIsFresh(copy)).toBe(false);
    const missing = await run(copy, ['bin/flattr.js', '--help'], { LOG_LEVEL: 'debug' });
    expect(missing.stderr).toContain('running the TypeScript sources through tsx');
    expect(missing.stdout).toContain('flattr supporter set');
  });

  it('recompiles what changed; after a type error every build fails and the bin runs the sources until it is fixed', async () => {
    const checkout = copyCheckout();
    const file = path.join(checkout, 'src/cli/output.ts');
    const source = readFileSync(file, 'utf8');
    writeFileSync(file, `${source}\nexport const built: string = 'changed';\n`);
    const changed = await run(checkout, ['scripts/build.mjs'], {});
    expect(changed.code, changed.stdout + changed.stderr).toBe(0);
    expect(distIsFresh(checkout)).toBe(true);
    expect(readFileSync(path.join(checkout, 'dist/src/cli/output.js'), 'utf8')).toContain("'changed'");

    writeFileSync(file, `${source}\nexport const built: string = 42;\n`);
    for (const attempt of [1, 2]) {
      const broken = await run(checkout, ['scripts/build.mjs'], {});
      expect(broken.code, `attempt ${attempt}`).not.toBe(0);
      expect(broken.stdout + broken.stderr).toContain('TS2322');
      expect(distIsFresh(checkout)).toBe(false);
    }
    const help = await run(checkout, ['bin/flattr.js', '--help'], { LOG_LEVEL: 'debug' });
    expect(help.stderr).toContain('running the TypeScript sources through tsx');

    writeFileSync(file, source);
    const fixed = await run(checkout, ['scripts/build.mjs'], {});
    expect(fixed.code, fixed.stdout + fixed.stderr).toBe(0);
    expect(distIsFresh(checkout)).toBe(true);
  });

  it('counts a file added or deleted since the build (its folder changes), and the build settings', () => {
    const tree = mkdtempSync(path.join(tmpdir(), 'flattr-fresh-'));
    try {
      for (const dir of ['src/cli', 'adapters', 'workers', 'dist']) mkdirSync(path.join(tree, dir), { recursive: true });
      for (const file of ['src/cli/main.ts', 'src/gone.ts', 'tsconfig.json', 'tsconfig.build.json', 'dist/.tsbuildinfo']) writeFileSync(path.join(tree, file), '');
      const stampAt = (date: Date) => utimesSync(path.join(tree, 'dist/.tsbuildinfo'), date, date);
      stampAt(later(5));
      expect(distIsFresh(tree)).toBe(true);
      rmSync(path.join(tree, 'src/gone.ts'));
      utimesSync(path.join(tree, 'src'), later(10), later(10));
      expect(distIsFresh(tree)).toBe(false);
      stampAt(later(15));
      expect(distIsFresh(tree)).toBe(true);
      utimesSync(path.join(tree, 'tsconfig.build.json'), later(20), later(20));
      expect(distIsFresh(tree)).toBe(false);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
