#!/usr/bin/env node
// Generates the Prisma client without Prisma's native schema engine, which
// cannot be downloaded on the project's machines (docs/style.md, Toolchain).
// Generation itself is WebAssembly; the CLI only checks that an engine file
// exists, so we point it at any existing file when none is installed.
//
// `npm install`, `npm start` and `npm test` run this through scripts/build.mjs,
// so it generates only when the client is missing or was generated from another
// schema, config or Prisma version (a stamp in the output folder says which).
// `--force` (npm run generate) generates whatever the stamp says.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = fileURLToPath(new URL('..', import.meta.url));
const OUTPUT = path.join(root, 'src/generated/prisma');
const STAMP = path.join(OUTPUT, '.generated-from');

/** Generates unless the client is up to date (or `force`); returns the exit status of `prisma generate`, 0 when skipped. */
export function generatePrisma({ force = false } = {}) {
  const inputs = inputsHash();
  if (!force && existsSync(path.join(OUTPUT, 'client.ts')) && readStamp() === inputs) return 0;
  const env = { ...process.env };
  if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !hasSchemaEngine()) {
    env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
  }
  const cli = require.resolve('prisma/build/index.js');
  const result = spawnSync(process.execPath, [cli, 'generate'], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status === 0) writeFileSync(STAMP, `${inputs}\n`);
  return result.status ?? 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(generatePrisma({ force: process.argv.includes('--force') }));

/** What the generated client depends on: the schema, the Prisma config, the generator and runtime versions. */
function inputsHash() {
  const hash = createHash('sha256');
  for (const file of ['prisma/schema.prisma', 'prisma.config.ts']) hash.update(file).update(readFileSync(path.join(root, file)));
  for (const pkg of ['prisma', '@prisma/client']) hash.update(`${pkg}@${require(`${pkg}/package.json`).version}`);
  return hash.digest('hex');
}

function readStamp() {
  try {
    return readFileSync(STAMP, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function hasSchemaEngine() {
  try {
    const dir = path.dirname(require.resolve('@prisma/engines/package.json'));
    return readdirSync(dir).some((f) => f.startsWith('schema-engine')) && existsSync(dir);
  } catch {
    return false;
  }
}
