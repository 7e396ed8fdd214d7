import { lstatSync } from 'node:fs';
import { PrismaClient } from '../generated/prisma/client.js';
import type { Database } from './database.js';
import { DatabaseInUseError, type LockHolder } from './pglite-lock.js';
import { SOCKET_PORT, socketFile } from './pglite-server.js';

const TURN_WAIT_MS = 60_000;

/**
 * The embedded database of a running hub, through the socket it shares it on
 * (pglite-server.ts). The client is the same as for PostgreSQL; the
 * database is still PGlite (one session: transactions take turns), so it
 * reports kind 'pglite' and callers keep their single-session behaviour.
 */
export async function openThroughHub(pgliteDir: string, holder: LockHolder & { socketDir: string }, poolSize = 4): Promise<Database> {
  assertPrivate(holder.socketDir, pgliteDir, holder.pid);
  const { PrismaPg } = await import('@prisma/adapter-pg');
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ host: holder.socketDir, port: SOCKET_PORT, user: 'postgres', database: 'postgres', max: poolSize }),
    // On PostgreSQL a BEGIN never waits; here it waits its turn on the one session, which a
    // settlement batch of the hub may hold for seconds (Prisma gives up after 2 s by default).
    transactionOptions: { maxWait: TURN_WAIT_MS },
  });
  try {
    await prisma.$queryRawUnsafe('SELECT 1');
  } catch (error) {
    await prisma.$disconnect().catch(() => undefined);
    throw new DatabaseInUseError(
      `the embedded database in ${pgliteDir} is in use by a running hub (process ${holder.pid}), but its socket in ${holder.socketDir} does not answer (${(error as Error).message}); restart the hub, or set DATABASE_URL to share a PostgreSQL between processes`,
      holder,
    );
  }
  return { prisma, kind: 'pglite', hubPid: holder.pid, close: () => prisma.$disconnect() };
}

/** The database has no password: a socket another user could reach, or have planted, is refused. */
function assertPrivate(socketDir: string, pgliteDir: string, pid: number): void {
  let problem: string | undefined;
  try {
    const dir = lstatSync(socketDir);
    const file = lstatSync(socketFile(socketDir));
    if (!dir.isDirectory() || !file.isSocket()) problem = 'not a socket directory';
    else if (process.getuid && dir.uid !== process.getuid()) problem = 'owned by another user';
    else if ((dir.mode & 0o077) !== 0) problem = `readable by others (mode ${(dir.mode & 0o777).toString(8)})`;
  } catch (error) {
    problem = (error as NodeJS.ErrnoException).code ?? String(error);
  }
  if (problem) {
    throw new DatabaseInUseError(
      `the embedded database in ${pgliteDir} is in use by a running hub (process ${pid}), but its socket directory ${socketDir} is ${problem}; restart the hub, or set DATABASE_URL`,
    );
  }
}
