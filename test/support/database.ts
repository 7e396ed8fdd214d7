import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { TEST_PG_ADMIN_URL } from './env.js';

export type TestDatabase = Database & { url?: string; drop(): Promise<void> };

/** A fresh, migrated PostgreSQL database with a random name, dropped afterwards. */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `flattr_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString(), pgliteDir: '' });
  await migrate(database.prisma);
  return {
    ...database,
    url: url.toString(),
    drop: async () => {
      await database.close();
      await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** A fresh, migrated in-memory PGlite: the embedded default. */
export async function createPgliteDatabase(): Promise<TestDatabase> {
  const database = await openDatabase({ pgliteDir: ':memory:' });
  await migrate(database.prisma);
  return { ...database, drop: () => database.close() };
}

export const DATABASES = { postgres: createPostgresDatabase, pglite: createPgliteDatabase } as const;

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
