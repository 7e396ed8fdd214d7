// Whether dist/ holds the sources as they are now. The `flattr` bin asks before
// every command, so this is a walk of stat calls (a few milliseconds), no hashing.
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** What tsconfig.build.json compiles, and the settings that change its output. */
const SOURCE_DIRS = ['src', 'adapters', 'workers'];
const CONFIGS = ['tsconfig.json', 'tsconfig.build.json'];

/**
 * The build's stamp. scripts/build.mjs sets its time to when the compile
 * started, so a source saved during a compile still counts as newer.
 */
export const BUILD_STAMP = 'dist/.tsbuildinfo';

/** Newest modification under the source folders, the folders themselves included: a deleted or added file changes its folder's time. */
export function newestSourceTime(root) {
  let newest = 0;
  const visit = (dir) => {
    newest = Math.max(newest, statSync(dir).mtimeMs);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) visit(path.join(root, dir));
  for (const file of CONFIGS) newest = Math.max(newest, statSync(path.join(root, file)).mtimeMs);
  return newest;
}

/** True when dist/ was built and no source changed since the build started. */
export function distIsFresh(root) {
  let built;
  try {
    built = statSync(path.join(root, BUILD_STAMP)).mtimeMs;
  } catch {
    return false;
  }
  return newestSourceTime(root) <= built;
}
