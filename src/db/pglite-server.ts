import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { Logger } from '../support/logger.js';
import { servePgliteSession, type PgliteSession } from './pglite-session.js';

/** libpq's and pg's convention: a socket directory holds `.s.PGSQL.<port>`. */
export const SOCKET_PORT = 5432;
export const socketFile = (socketDir: string) => path.join(socketDir, `.s.PGSQL.${SOCKET_PORT}`);
/** sun_path holds 108 bytes on Linux, 104 on macOS. */
const MAX_SOCKET_PATH = 100;

export type PgliteServer = { socketDir: string; close(): Promise<void> };

/**
 * Shares a process's embedded database with local processes (flattr commands
 * beside a running hub) as a PostgreSQL server on a Unix socket. The database
 * has no password, so the socket lives in a directory only this user can
 * enter (0700), and is itself 0600. Clients take turns on the single PGlite
 * session (pglite-session.ts), each statement or transaction whole.
 */
export async function servePglite(
  pglite: PGlite, options: { pgliteDir: string; logger?: Logger; idleInTransactionMs?: number },
): Promise<PgliteServer> {
  const { logger } = options;
  const { socketDir, owned } = privateSocketDir(options.pgliteDir);
  const file = socketFile(socketDir);
  // Whoever listened here before held the lock we now hold: its socket is stale.
  rmSync(file, { force: true });
  const sessions = new Set<PgliteSession>();
  const server = createServer((socket) => {
    const session = servePgliteSession(socket, pglite, {
      idleInTransactionMs: options.idleInTransactionMs ?? 15_000,
      onEvent: (event, detail) => {
        if (event === 'idle-in-transaction') logger?.warn({ socket: file }, 'a local client left a transaction open and idle: cut off, rolled back');
        else logger?.warn({ err: detail, event, socket: file }, 'local database client dropped');
      },
    });
    sessions.add(session);
    void session.done.then(() => sessions.delete(session));
  });
  await listen(server, file);
  chmodSync(file, 0o600);

  let closing: Promise<void> | undefined;
  return {
    socketDir,
    close: () => (closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.end();
      await Promise.all([...sessions].map((s) => s.done));
      await closed;
      rmSync(owned ? socketDir : file, { recursive: true, force: true });
    })()),
  };
}

/**
 * `<pgliteDir>-socket`, or a fresh directory under the system's temporary
 * one when that path is too long for a socket (clients read where it is from
 * the lock file, pglite-lock.ts).
 */
function privateSocketDir(pgliteDir: string): { socketDir: string; owned: boolean } {
  const beside = `${path.resolve(pgliteDir)}-socket`;
  if (socketFile(beside).length <= MAX_SOCKET_PATH) {
    mkdirSync(beside, { recursive: true, mode: 0o700 });
    const stat = lstatSync(beside);
    if (!stat.isDirectory() || (process.getuid && stat.uid !== process.getuid())) {
      throw new Error(`${beside} is not a directory of this user: cannot share the embedded database there`);
    }
    chmodSync(beside, 0o700);
    return { socketDir: beside, owned: false };
  }
  return { socketDir: mkdtempSync(path.join(tmpdir(), 'flattr-db-')), owned: true };
}

function listen(server: Server, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(file, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
