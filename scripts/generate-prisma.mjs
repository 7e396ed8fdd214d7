#!/usr/bin/env node
// Generates the Prisma client without Prisma's native schema engine, which
// cannot be downloaded on the project's machines (DESIGN.md section 7).
// Generation itself is WebAssembly; the CLI only checks that an engine file
// exists, so we point it at any existing file when none is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && !hasSchemaEngine()) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
}
const cli = require.resolve('prisma/build/index.js');
const result = spawnSync(process.execPath, [cli, 'generate'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
process.exit(result.status ?? 1);

function hasSchemaEngine() {
  try {
    const dir = path.dirname(require.resolve('@prisma/engines/package.json'));
    return readdirSync(dir).some((f) => f.startsWith('schema-engine')) && existsSync(dir);
  } catch {
    return false;
  }
}
