import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class DatabaseInUseError extends Error {
  readonly code = 'DATABASE_IN_USE';
}

/**
 * PGlite is a single-process database: two processes opening one data
 * directory corrupt it. The first takes a pid file; others are refused with
 * what to do, unless the holder is dead (then its lock is stale and taken over).
 */
export function lockPgliteDir(dir: string): () => void {
  const file = path.join(dir, 'flattr.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      return () => rmSync(file, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(file, 'utf8'));
      if (isAlive(holder) && holder !== process.pid) {
        throw new DatabaseInUseError(
          `the embedded database in ${dir} is in use by process ${holder} (a running hub?); stop it first, or set DATABASE_URL to share a PostgreSQL between processes`,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new DatabaseInUseError(`could not lock the embedded database in ${dir}`);
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
