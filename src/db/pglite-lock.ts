import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Who holds an embedded database: a hub shares it on a socket once `socketDir` is set; a command never does. */
export type LockHolder = { pid: number; role: 'hub' | 'command'; socketDir?: string };

export class DatabaseInUseError extends Error {
  readonly code = 'DATABASE_IN_USE';
  constructor(message: string, readonly holder?: LockHolder) {
    super(message);
  }
}

export type PgliteLock = {
  /** Tells other processes where the holder serves the database (a hub, once its socket listens). */
  advertise(socketDir: string): void;
  release(): void;
};

const LOCK_FILE = 'flattr.pid';
/**
 * Lock files this process holds now. A file naming this pid that is not here
 * is stale (a container restarted with the same pid); one that is here is live
 * (a test running a hub and a command in one process).
 */
const heldHere = new Set<string>();

/**
 * PGlite is a single-process database: two processes opening one data
 * directory corrupt it. The first takes a pid file; others are refused with
 * what to do, unless the holder is dead (then its lock is stale and taken over).
 * The file also says whether the holder is a hub and, once it listens, where
 * its socket is, so a command can use the database through it instead.
 */
export function lockPgliteDir(dir: string, role: LockHolder['role'] = 'command'): PgliteLock {
  const file = path.join(path.resolve(dir), LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      // Linked into place whole: a reader never finds the file empty and takes it for a stale lock.
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, formatHolder({ pid: process.pid, role }));
      try {
        linkSync(tmp, file);
      } finally {
        rmSync(tmp, { force: true });
      }
      heldHere.add(file);
      return {
        advertise: (socketDir) => {
          // Renamed into place, so a reader never sees half a file.
          const tmp = `${file}.${process.pid}.tmp`;
          writeFileSync(tmp, formatHolder({ pid: process.pid, role, socketDir }));
          renameSync(tmp, file);
        },
        release: () => {
          heldHere.delete(file);
          rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readLockHolder(dir);
      if (holder && (holder.pid !== process.pid || heldHere.has(file))) {
        const who = holder.role === 'hub' ? 'a running hub' : 'another flattr command';
        throw new DatabaseInUseError(
          `the embedded database in ${dir} is in use by process ${holder.pid} (${who}); wait for it to finish or stop it, or set DATABASE_URL to share a PostgreSQL between processes`,
          holder,
        );
      }
      rmSync(file, { force: true });
    }
  }
  throw new DatabaseInUseError(`could not lock the embedded database in ${dir}`);
}

/** The live holder of a data directory's lock, or undefined when there is none (or it died). */
export function readLockHolder(dir: string): LockHolder | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(dir, LOCK_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  // Line 1 the pid (all an older hub wrote), line 2 the role, line 3 the socket directory.
  const [pidLine = '', role = '', socketDir = ''] = text.split('\n');
  const pid = Number(pidLine);
  if (!isAlive(pid)) return undefined;
  return { pid, role: role === 'hub' ? 'hub' : 'command', socketDir: socketDir || undefined };
}

function formatHolder(holder: LockHolder): string {
  return `${holder.pid}\n${holder.role}\n${holder.socketDir ?? ''}`;
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
