import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.js';
import { splitSqlStatements } from '../../src/db/split-sql.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';

describe('flattr migrate', () => {
  let database: TestDatabase;
  beforeAll(async () => { database = await createPostgresDatabase(); });
  afterAll(async () => { await database?.drop(); });

  it('applies nothing the second time, and never races when several processes start at once', async () => {
    expect((await migrate(database.prisma)).applied).toEqual([]);
    const dir = await mkdtemp(path.join(tmpdir(), 'flattr-migrations-'));
    await mkdir(path.join(dir, '001_counter'));
    await writeFile(path.join(dir, '001_counter', 'migration.sql'), `CREATE TABLE race_test (n int); INSERT INTO race_test VALUES (1);`);
    const results = await Promise.all([migrate(database.prisma, dir), migrate(database.prisma, dir), migrate(database.prisma, dir)]);
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, 1]);
    expect(await database.prisma.$queryRawUnsafe(`SELECT count(*)::int AS n FROM race_test`)).toEqual([{ n: 1 }]);
  });

  it('refuses a migration edited after it was applied', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'flattr-migrations-'));
    await mkdir(path.join(dir, '002_edit'));
    await writeFile(path.join(dir, '002_edit', 'migration.sql'), `CREATE TABLE edit_test (n int);`);
    await migrate(database.prisma, dir);
    await writeFile(path.join(dir, '002_edit', 'migration.sql'), `CREATE TABLE edit_test (n bigint);`);
    await expect(migrate(database.prisma, dir)).rejects.toThrow(/002_edit was changed after it was applied/);
  });

  it('rolls a failing migration back whole', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'flattr-migrations-'));
    await mkdir(path.join(dir, '003_broken'));
    await writeFile(path.join(dir, '003_broken', 'migration.sql'), `CREATE TABLE half_done (n int); SELECT no_such_function();`);
    await expect(migrate(database.prisma, dir)).rejects.toThrow();
    expect(await database.prisma.$queryRawUnsafe(`SELECT to_regclass('half_done') IS NULL AS gone`)).toEqual([{ gone: true }]);
  });
});

describe('splitSqlStatements', () => {
  it('splits on semicolons outside quotes, dollar quotes and comments', () => {
    const sql = `-- a comment; still a comment
CREATE TABLE a (s text DEFAULT 'x;y');
CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no; never'; END $$;
/* block; comment */ SELECT "odd;name" FROM a;
`;
    expect(splitSqlStatements(sql)).toEqual([
      `-- a comment; still a comment\nCREATE TABLE a (s text DEFAULT 'x;y')`,
      `CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no; never'; END $$`,
      `/* block; comment */ SELECT "odd;name" FROM a`,
    ]);
  });
});
