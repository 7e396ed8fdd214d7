import { mkdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PGlite } from '@electric-sql/pglite';
import { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../support/logger.js';
import { loadPgliteTemplate } from './load-pglite-template.js';
import { openThroughHub } from './open-through-hub.js';
import { DatabaseInUseError, lockPgliteDir, type LockHolder } from './pglite-lock.js';
import { servePglite, type PgliteServer } from './pglite-server.js';

export type Db = PrismaClient;
/** What an interactive transaction hands its callback. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export type Database = {
  prisma: Db;
  kind: 'postgres' | 'pglite';
  /** Set when this process uses the embedded database of a running hub through its socket. */
  hubPid?: number;
  /**
   * Present on an embedded database opened with `share`: starts serving it to
   * local processes. close() stops the server too, before the database.
   */
  serve?: (options?: { logger?: Logger; idleInTransactionMs?: number }) => Promise<PgliteServer>;
  close(): Promise<void>;
};

export type OpenOptions = {
  url?: string;
  pgliteDir: string;
  poolSize?: number;
  /**
   * The hub: it must own the embedded database (never ride on another
   * process's), and may share it. Without it, a process that finds the
   * database held by a hub uses it through the hub's socket.
   */
  share?: boolean;
  /** How long to wait for a hub that holds the database but does not share it yet (it is starting). */
  hubStartWaitMs?: number;
};

/**
 * PostgreSQL when a URL is given, else embedded PGlite in a directory (or in
 * memory for ":memory:"), or, when a running hub holds that directory, the
 * hub's embedded database through its socket. Every case goes through a
 * Prisma driver adapter, so every query, raw or not, takes the same path.
 */
export async function openDatabase(options: OpenOptions): Promise<Database> {
  if (options.url) {
    // Drivers load when used: a command pays only for the one it needs (about 0.2 s each).
    const { PrismaPg } = await import('@prisma/adapter-pg');
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: options.url, max: options.poolSize ?? 10 }) });
    return { prisma, kind: 'postgres', close: () => prisma.$disconnect() };
  }
  if (options.pgliteDir === ':memory:') return (await openPglite(undefined, () => {})).database;
  mkdirSync(options.pgliteDir, { recursive: true });
  if (options.share) return openOwned(options.pgliteDir, 'hub');
  const deadline = Date.now() + (options.hubStartWaitMs ?? HUB_START_WAIT_MS);
  for (;;) {
    let holder: LockHolder | undefined;
    try {
      return await openOwned(options.pgliteDir, 'command');
    } catch (error) {
      if (!(error instanceof DatabaseInUseError) || error.holder?.role !== 'hub') throw error;
      holder = error.holder;
    }
    if (holder.socketDir) return openThroughHub(options.pgliteDir, { ...holder, socketDir: holder.socketDir });
    // A hub that is starting has the lock before its socket: give it the time it takes to open and migrate.
    if (Date.now() >= deadline) {
      throw new DatabaseInUseError(
        `the embedded database in ${options.pgliteDir} is held by a hub (process ${holder.pid}) that has not shared it within ${(options.hubStartWaitMs ?? HUB_START_WAIT_MS) / 1000} s; is it still starting? Try again, or set DATABASE_URL to share a PostgreSQL between processes`,
        holder,
      );
    }
    await sleep(100);
  }
}

const HUB_START_WAIT_MS = 30_000;

async function openOwned(dir: string, role: LockHolder['role']): Promise<Database> {
  const lock = lockPgliteDir(dir, role);
  try {
    const { database, pglite } = await openPglite(dir, () => lock.release());
    if (role !== 'hub') return database;
    let server: PgliteServer | undefined;
    return {
      ...database,
      serve: async (serveOptions = {}) => {
        server ??= await servePglite(pglite, { pgliteDir: dir, ...serveOptions });
        lock.advertise(server.socketDir);
        return server;
      },
      close: async () => {
        await server?.close();
        await database.close();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function openPglite(dir: string | undefined, unlock: () => void): Promise<{ database: Database; pglite: PGlite }> {
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import('@electric-sql/pglite'), import('pglite-prisma-adapter')]);
  // A database that does not exist yet starts from the template made at install, not initdb.
  const template = await loadPgliteTemplate(dir);
  const pglite = await PGlite.create(dir, template ? { loadDataDir: template } : {});
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  const close = async () => {
    await prisma.$disconnect();
    await pglite.close();
    unlock();
  };
  return { database: { prisma, kind: 'pglite', close }, pglite };
}
