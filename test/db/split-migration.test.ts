import { cp, mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate, MIGRATIONS_DIR } from '../../src/db/migrate.js';

const SPLIT_MIGRATION = '20261125060000_split_in_supporter_settlements';

/**
 * Migration 20261125060000 moves every settled split from flattr_shares rows
 * into supporter_settlements' arrays: a database settled before it keeps
 * every share, in flattr order, with its escrow flag.
 */
describe(`migration ${SPLIT_MIGRATION}`, () => {
  let database: Database;
  let dir: string;
  beforeAll(async () => {
    database = await openDatabase({ pgliteDir: ':memory:' });
    dir = await mkdtemp(path.join(tmpdir(), 'flattr-migrations-'));
    for (const name of (await readdir(MIGRATIONS_DIR)).filter((n) => n < SPLIT_MIGRATION)) {
      await cp(path.join(MIGRATIONS_DIR, name), path.join(dir, name), { recursive: true });
    }
    await migrate(database.prisma, dir);
  });
  afterAll(async () => { await database?.close(); });

  it('carries the shares of settled supporters into their settlement rows', async () => {
    const db = database.prisma;
    await db.$executeRawUnsafe(
      `INSERT INTO supporter_settlements (supporter_id, period, currency, budget, charged, fee, flattrs)
       VALUES (1, '2026-09', 'EUR', 100, 100, 10, 3), (2, '2026-09', 'EUR', 50, 0, 0, 0), (1, '2026-10', 'EUR', 100, 7, 0, 1)`);
    await db.$executeRawUnsafe(
      `INSERT INTO flattr_shares (flattr_id, period, supporter_id, amount, escrowed)
       VALUES (12, '2026-09', 1, 30, false), (5, '2026-09', 1, 30, true), (9, '2026-09', 1, 30, false), (40, '2026-10', 1, 7, true)`);

    await cp(path.join(MIGRATIONS_DIR, SPLIT_MIGRATION), path.join(dir, SPLIT_MIGRATION), { recursive: true });
    expect((await migrate(db, dir)).applied).toEqual([SPLIT_MIGRATION]);

    expect(await db.$queryRawUnsafe(
      `SELECT supporter_id, period, flattr_ids, shares, escrowed FROM supporter_settlements ORDER BY period, supporter_id`)).toEqual([
      { supporter_id: 1, period: '2026-09', flattr_ids: [5n, 9n, 12n], shares: [30n, 30n, 30n], escrowed: [true, false, false] },
      { supporter_id: 2, period: '2026-09', flattr_ids: [], shares: [], escrowed: [] },
      { supporter_id: 1, period: '2026-10', flattr_ids: [40n], shares: [7n], escrowed: [true] },
    ]);
    expect(await db.$queryRawUnsafe(`SELECT to_regclass('flattr_shares') IS NULL AS gone`)).toEqual([{ gone: true }]);
  });
});
