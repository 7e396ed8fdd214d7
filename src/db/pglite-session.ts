import type { Socket } from 'node:net';
import type { PGlite } from '@electric-sql/pglite';
import { DISCARD_ALL, nextFrontendMessages, readyStatus, ROLLBACK, SYNC } from './pg-wire.js';

export type SessionOptions = {
  /** A client that holds a transaction open and says nothing for this long is cut off (and rolled back): it blocks the hub. */
  idleInTransactionMs: number;
  onEvent?: (event: 'idle-in-transaction' | 'protocol-error' | 'error', detail?: unknown) => void;
};

export type PgliteSession = {
  /** Cuts the client off; its open transaction is rolled back. */
  end(): void;
  /** Resolves once the client is gone and the database is free of it. */
  done: Promise<void>;
};

/**
 * Serves one client connection on the single PGlite session. PGlite runs one
 * session, so two clients' statements must never interleave inside a
 * transaction: from a client's first message until PGlite reports it idle
 * again (ReadyForQuery 'I': its statement done, or its BEGIN…COMMIT over) the
 * client holds the same mutex PGlite's own query(), exec() and transaction()
 * take. Every other client, and the hub's own Prisma traffic, waits for it.
 */
export function servePgliteSession(socket: Socket, pglite: PGlite, options: SessionOptions): PgliteSession {
  let buffer: Buffer = Buffer.alloc(0);
  let started = false;
  let closed = false;
  let lease: (() => void) | undefined;
  let idleTimer: NodeJS.Timeout | undefined;
  // Messages are handled one batch after the other, and the rollback after the last one.
  let work = Promise.resolve();

  const clearIdle = () => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = undefined;
  };

  async function execute(bytes: Uint8Array): Promise<void> {
    // Idle means waiting for the client, not for a long statement of its own.
    clearIdle();
    lease ??= await takeSession(pglite);
    if (closed) return;
    const reply = await pglite.runExclusive(() => pglite.execProtocolRaw(bytes));
    if (!socket.destroyed) socket.write(reply);
    if (readyStatus(reply) === 'I') {
      lease();
      lease = undefined;
    } else {
      idleTimer = setTimeout(() => {
        options.onEvent?.('idle-in-transaction');
        socket.destroy();
      }, options.idleInTransactionMs);
    }
  }

  async function pump(): Promise<void> {
    while (!closed) {
      const next = nextFrontendMessages(buffer, started);
      if (next.kind === 'incomplete') return;
      buffer = buffer.subarray(next.length);
      switch (next.kind) {
        case 'no-ssl':
          socket.write('N');
          break;
        case 'startup':
          started = true;
          await execute(next.bytes);
          break;
        case 'messages':
          await execute(next.bytes);
          break;
        case 'terminate':
          socket.end();
          return;
        case 'cancel': // PGlite has no backend to interrupt: nothing to do but hang up.
          socket.end();
          return;
        case 'invalid':
          options.onEvent?.('protocol-error', next.reason);
          socket.destroy();
          return;
      }
    }
  }

  /**
   * Leaves the session as the client found it: what it left open is rolled
   * back, and what it set for the session (SET, PREPARE, temporary tables,
   * LISTEN) is discarded, so it does not outlive the client in the hub.
   */
  async function release(): Promise<void> {
    clearIdle();
    if (!started) return;
    lease ??= await takeSession(pglite);
    try {
      const run = (bytes: Uint8Array) => pglite.runExclusive(() => pglite.execProtocolRaw(bytes));
      const synced = await run(SYNC);
      if (readyStatus(synced) !== 'I' || pglite.isInTransaction()) await run(ROLLBACK);
      await run(DISCARD_ALL);
    } catch (error) {
      options.onEvent?.('error', error);
    } finally {
      lease();
      lease = undefined;
    }
  }

  socket.on('data', (chunk: Buffer) => {
    clearIdle();
    buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
    work = work.then(pump).catch((error: unknown) => {
      options.onEvent?.('error', error);
      socket.destroy();
    });
  });
  socket.on('error', () => socket.destroy());
  const done = new Promise<void>((resolve) => {
    socket.once('close', () => {
      closed = true;
      work = work.then(release).catch((error: unknown) => options.onEvent?.('error', error)).then(resolve);
    });
  });
  return { end: () => socket.destroy(), done };
}

/**
 * Exclusive use of the PGlite session until the returned function is called:
 * PGlite's transaction mutex, which its own query(), exec() and transaction()
 * (so the hub's Prisma adapter) take for every statement and transaction.
 */
function takeSession(pglite: PGlite): Promise<() => void> {
  return new Promise((granted, failed) => {
    pglite._runExclusiveTransaction(() => new Promise<void>((release) => granted(release))).catch(failed);
  });
}
