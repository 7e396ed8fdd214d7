import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'flattr-template-'));
  dirs.push(dir);
  return path.join(dir, 'pglite');
};

/** What initdb makes unique per cluster: two databases initialised apart never share it. */
async function systemIdentifier(pgliteDir: string): Promise<{ id: string; migrations: number }> {
  const db = await openDatabase({ pgliteDir });
  try {
    const [row] = await db.prisma.$queryRawUnsafe<{ id: string }[]>(`SELECT system_identifier::text AS id FROM pg_control_system()`);
    const { applied, alreadyApplied } = await migrate(db.prisma);
    return { id: row!.id, migrations: applied.length + alreadyApplied };
  } finally {
    await db.close();
  }
}

/**
 * A new embedded database starts from the cluster `npm install` saved
 * (scripts/pglite-template.mjs) instead of running initdb: every new one,
 * in a directory or in memory, is a copy of that one cluster. Reopened, a
 * database keeps its own data.
 */
describe('the PGlite template', { timeout: 120_000 }, () => {
  afterAll(() => { for (const dir of dirs) rmSync(dir, { recursive: true, force: true }); });

  it('gives every new database, in a directory or in memory, the same initialised cluster, which then migrates', async () => {
    const first = freshDir();
    const a = await systemIdentifier(first);
    const b = await systemIdentifier(freshDir());
    const memory = await systemIdentifier(':memory:');
    expect(b.id).toBe(a.id);
    expect(memory.id).toBe(a.id);
    expect(a.migrations).toBeGreaterThan(0);

    const reopened = await openDatabase({ pgliteDir: first });
    try {
      const [row] = await reopened.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM _flattr_migrations`);
      expect(row!.n).toBe(a.migrations);
    } finally {
      await reopened.close();
    }
  });
});
