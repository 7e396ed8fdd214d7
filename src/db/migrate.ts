import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db } from './database.js';
import { splitSqlStatements } from './split-sql.js';

/**
 * prisma/migrations is read at run time, not compiled: two levels up from src/db,
 * three from dist/src/db where the bin runs the compiled code (scripts/build.mjs).
 */
export const MIGRATIONS_DIR = [new URL('../../prisma/migrations', import.meta.url), new URL('../../../prisma/migrations', import.meta.url)]
  .map((url) => fileURLToPath(url))
  .find((dir) => existsSync(dir)) ?? fileURLToPath(new URL('../../prisma/migrations', import.meta.url));

/** Any fixed number: the advisory lock that keeps two starting processes from racing. */
const MIGRATION_LOCK = 7_150_303_1;

export type MigrationResult = { applied: string[]; alreadyApplied: number };

export class MigrationError extends Error {
  readonly code = 'MIGRATION_FAILED';
}

/**
 * Applies prisma/migrations/<name>/migration.sql in name order, each in its own
 * transaction under an advisory lock, recorded with a checksum so an edited
 * migration that already ran is reported instead of silently skipped.
 */
export async function migrate(prisma: Db, dir = MIGRATIONS_DIR): Promise<MigrationResult> {
  const names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  await prisma.$executeRawUnsafe(`CREATE TABLE IF NOT EXISTS _flattr_migrations (
    name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`).catch(async (error: unknown) => {
    // Two processes creating the table at once: one wins, the other sees a duplicate type.
    const exists = await prisma.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM pg_tables WHERE tablename = '_flattr_migrations'`);
    if (exists.length === 0) throw error;
  });
  const applied: string[] = [];
  let alreadyApplied = 0;
  for (const name of names) {
    const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
    const checksum = createHash('sha256').update(sql).digest('hex');
    const ran = await prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
        const done = await tx.$queryRawUnsafe<{ checksum: string }[]>(`SELECT checksum FROM _flattr_migrations WHERE name = $1`, name);
        if (done[0]) {
          if (done[0].checksum !== checksum) throw new MigrationError(`migration ${name} was changed after it was applied; add a new migration instead`);
          return false;
        }
        for (const statement of splitSqlStatements(sql)) await tx.$executeRawUnsafe(statement);
        await tx.$executeRawUnsafe(`INSERT INTO _flattr_migrations (name, checksum) VALUES ($1, $2)`, name, checksum);
        return true;
      },
      { timeout: 10 * 60_000, maxWait: 60_000 },
    );
    if (ran) applied.push(name);
    else alreadyApplied++;
  }
  return { applied, alreadyApplied };
}
