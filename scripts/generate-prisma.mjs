#!/usr/bin/env node
// Generates the Prisma client without Prisma's native schema engine, which
// cannot be downloaded on the project's machines (DESIGN.md section 7).
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

const inputs = inputsHash();
if (!process.argv.includes('--force') && existsSync(path.join(OUTPUT, 'client.ts')) && readStamp() === inputs) process.exit(0);

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !hasSchemaEngine()) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
const cli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, 'generate'], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
if (result.status === 0) writeFileSync(STAMP, `${inputs}\n`);
process.exit(result.status ?? 1);

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
