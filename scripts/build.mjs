#!/usr/bin/env node
// Makes the code the `flattr` bin runs: the Prisma client (scripts/generate-prisma.mjs),
// then the TypeScript compiled into dist/ (tsconfig.build.json), and once per PGlite
// version the embedded database's template (scripts/pglite-template.mjs). `npm install`,
// `npm start` and `npm test` run it; when nothing changed it returns in milliseconds,
// after an edit tsc --build recompiles only what the edit touches.
import { spawnSync } from 'node:child_process';
import { existsSync, utimesSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILD_STAMP, distIsFresh } from './dist-state.mjs';
import { generatePrisma } from './generate-prisma.mjs';
import { templatePath } from './pglite-template.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

const generated = generatePrisma();
if (generated !== 0) process.exit(generated);

if (!distIsFresh(root)) {
  const started = new Date();
  const tsc = require.resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc, '--build', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  // The stamp says when this compile started, not when it ended: a source saved while
  // tsc ran is newer, so the bin will not trust dist/ and the next build compiles it.
  // After type errors it says "never": the bin runs the sources until a clean build,
  // and every build reports the errors again instead of passing the second time.
  const stamp = path.join(root, BUILD_STAMP);
  const at = compiled.status === 0 ? started : new Date(0);
  if (existsSync(stamp)) utimesSync(stamp, at, at);
  if (compiled.status !== 0) {
    process.stderr.write('build: tsc reported errors (above); fix them, then `npm run build`\n');
    process.exit(compiled.status ?? 1);
  }
}

// Only a faster first start of the embedded database: without it PGlite runs initdb.
if (!existsSync(templatePath())) {
  const template = spawnSync(process.execPath, [path.join(root, 'scripts/pglite-template.mjs')], { cwd: root, stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8' });
  if (template.status !== 0) {
    process.stderr.write(`build: no PGlite template (${template.stderr.trim().split('\n').at(-1)}); a new embedded database runs initdb at its first start\n`);
  }
}
