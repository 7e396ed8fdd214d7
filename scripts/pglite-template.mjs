#!/usr/bin/env node
// A freshly initialised embedded PostgreSQL cluster, as a tarball that PGlite
// loads instead of running initdb (several seconds of WebAssembly) when it
// opens a database that does not exist yet: a new DATA_DIR, or an in-memory
// one in the tests. scripts/build.mjs makes it once per installed PGlite
// version, under node_modules/.cache so a reinstall starts over; without it
// PGlite runs initdb as before (src/db/load-pglite-template.ts).
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Same place as pgliteTemplatePath() in src/db/load-pglite-template.ts computes. */
export function templatePath() {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite'))), '..');
  const { version } = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return path.resolve(dir, '../../.cache/flattr-hub', `pglite-${version}.tar.gz`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = templatePath();
  if (!existsSync(file)) {
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = await PGlite.create();
    const dump = await pglite.dumpDataDir('gzip');
    await pglite.close();
    mkdirSync(path.dirname(file), { recursive: true });
    // Written aside then renamed: a process starting meanwhile sees no template or a whole one.
    writeFileSync(`${file}.${process.pid}`, Buffer.from(await dump.arrayBuffer()));
    renameSync(`${file}.${process.pid}`, file);
  }
}
