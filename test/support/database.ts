import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { TEST_PG_ADMIN_URL } from './env.js';

export type TestDatabase = Database & { url?: string; drop(): Promise<void> };

/**
 * The migrated database the global setup makes once per run (test/support/global-setup.ts):
 * copying it (`CREATE DATABASE … TEMPLATE`) takes a fraction of running every migration
 * again. Unset (a script importing this outside vitest), each database is migrated itself.
 */
export const TEMPLATE_ENV = 'FLATTR_TEST_PG_TEMPLATE';

/** The names of a run's test databases start with this (the run's tag made a valid name). */
export function runDatabasePrefix(run: string): string {
  return `flattr_t_${run.toLowerCase().replace(/[^a-z0-9]/g, '_')}_`;
}

/**
 * A fresh, migrated PostgreSQL database with a random name. `drop` closes it;
 * in a vitest run the database itself goes at the end of the run (the global
 * teardown drops them all at once: DROP DATABASE waits for a checkpoint, about
 * a second and a half each on a busy machine, which a test file need not wait for).
 */
export async function createPostgresDatabase(): Promise<TestDatabase> {
  const template = process.env[TEMPLATE_ENV];
  const name = `${template ? runDatabasePrefix(process.env.FLATTR_TEST_RUN ?? 'solo') : 'flattr_t_'}${randomBytes(6).toString('hex')}`;
  await adminQuery(template ? `CREATE DATABASE ${name} TEMPLATE ${template}` : `CREATE DATABASE ${name}`);
  const url = databaseUrl(name);
  const database = await openDatabase({ url, pgliteDir: '' });
  if (!template) await migrate(database.prisma);
  return {
    ...database,
    url,
    drop: async () => {
      await database.close();
      if (!template) await adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** Drops every database whose name starts with `prefix`, a few at a time (their checkpoints are shared). */
export async function dropDatabases(prefix: string): Promise<number> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await client.connect();
  let names: string[];
  try {
    names = (await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [prefix])).rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
  const queue = [...names];
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let name = queue.shift(); name; name = queue.shift()) await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  }));
  return names.length;
}

/** Makes the run's migrated template (see TEMPLATE_ENV); its drop is for the end of the run. */
export async function createPostgresTemplate(name: string): Promise<{ drop(): Promise<void> }> {
  await adminQuery(`CREATE DATABASE ${name}`);
  const drop = () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  const database = await openDatabase({ url: databaseUrl(name), pgliteDir: '' });
  try {
    await migrate(database.prisma);
  } catch (error) {
    await database.close();
    await drop();
    throw error;
  }
  // A template copies only while nobody is connected to it.
  await database.close();
  return { drop };
}

/** A fresh, migrated in-memory PGlite: the embedded default. */
export async function createPgliteDatabase(): Promise<TestDatabase> {
  const database = await openDatabase({ pgliteDir: ':memory:' });
  await migrate(database.prisma);
  return { ...database, drop: () => database.close() };
}

export const DATABASES = { postgres: createPostgresDatabase, pglite: createPgliteDatabase } as const;

function databaseUrl(name: string): string {
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
