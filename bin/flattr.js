#!/usr/bin/env node
// The `flattr` command. It runs the JavaScript that `npm install` compiled into
// dist/ (scripts/build.mjs; `npm start` and `npm test` rebuild what changed), so
// no compiler runs at start. When dist/ is missing or older than a source (an
// edit, a pull without an install) it runs the sources through tsx instead:
// slower to start, never stale.
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { distIsFresh } from '../scripts/dist-state.mjs';

// A command runs for seconds, and PGlite and Prisma's query compiler are
// WebAssembly: optimising them in the background (V8's TurboFan tier) costs a
// command more CPU than it ever saves (report: 0.9 s of CPU down to 0.5 s;
// 5,000 likes imported on PGlite: 4.8 s down to 2.5 s). The hub runs for
// months, so `start` keeps the optimising tier. Set before any module compiles.
if (process.argv[2] !== 'start') v8.setFlagsFromString('--liftoff-only');

const fromDist = distIsFresh(fileURLToPath(new URL('..', import.meta.url)));
if (process.env.LOG_LEVEL === 'debug') {
  process.stderr.write(fromDist ? 'flattr: running dist/\n' : 'flattr: running the TypeScript sources through tsx (dist/ is missing or older than them; `npm run build`)\n');
}
let main;
if (fromDist) {
  ({ main } = await import('../dist/src/cli/main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../src/cli/main.ts'));
}
process.exit(await main(process.argv));
