import pg from 'pg';
import { TEST_PG_ADMIN_URL } from '../../support/env.js';

/**
 * A real PostgreSQL outage for one test database: new connections are refused
 * (ALLOW_CONNECTIONS false, which holds for superusers too) and every open
 * one is terminated, as when the server restarts. Resolves to the function
 * that ends the outage.
 */
export async function cutDatabase(databaseUrl: string): Promise<() => Promise<void>> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const admin = async (sql: string, params: unknown[] = []) => {
    const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql, params);
    } finally {
      await client.end();
    }
  };
  const quoted = `"${name.replace(/"/g, '""')}"`;
  await admin(`ALTER DATABASE ${quoted} ALLOW_CONNECTIONS false`);
  await admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [name]);
  return () => admin(`ALTER DATABASE ${quoted} ALLOW_CONNECTIONS true`);
}
