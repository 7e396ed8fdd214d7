import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The initialised cluster scripts/pglite-template.mjs saves at install, for a
 * PGlite database that does not exist yet (no PG_VERSION: a new directory, or
 * in memory): loading it takes a fraction of initdb's seconds. Undefined when
 * the database exists or no template was made (PGlite then runs initdb).
 */
export async function loadPgliteTemplate(dir: string | undefined): Promise<Blob | undefined> {
  if (dir && existsSync(path.join(dir, 'PG_VERSION'))) return undefined;
  try {
    return new Blob([await readFile(pgliteTemplatePath())]);
  } catch {
    return undefined;
  }
}

/** node_modules/.cache/flattr-hub/pglite-<version>.tar.gz, one per installed PGlite version. */
function pgliteTemplatePath(): string {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite'))), '..');
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
  return path.resolve(dir, '../../.cache/flattr-hub', `pglite-${version}.tar.gz`);
}
