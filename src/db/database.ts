import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import { lockPgliteDir } from './pglite-lock.js';

export type Db = PrismaClient;
/** What an interactive transaction hands its callback. */
export type Tx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

export type Database = {
  prisma: Db;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
};

/**
 * PostgreSQL when a URL is given, else embedded PGlite in a directory (or in
 * memory for ":memory:"). Both go through a Prisma driver adapter, so every
 * query, raw or not, takes the same path.
 */
export async function openDatabase(options: { url?: string; pgliteDir: string; poolSize?: number }): Promise<Database> {
  if (options.url) {
    const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: options.url, max: options.poolSize ?? 10 }) });
    return { prisma, kind: 'postgres', close: () => prisma.$disconnect() };
  }
  const inMemory = options.pgliteDir === ':memory:';
  let unlock = () => {};
  if (!inMemory) {
    mkdirSync(options.pgliteDir, { recursive: true });
    unlock = lockPgliteDir(options.pgliteDir);
  }
  try {
    const pglite = await PGlite.create(inMemory ? undefined : options.pgliteDir);
    const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
    return {
      prisma,
      kind: 'pglite',
      close: async () => {
        await prisma.$disconnect();
        await pglite.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}
