import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { migrate } from '../../src/db/migrate.js';
import { DatabaseInUseError } from '../../src/db/pglite-lock.js';
import { socketFile, type PgliteServer } from '../../src/db/pglite-server.js';

const IDLE_IN_TRANSACTION_MS = 1500;

/**
 * The hub's embedded database served on a Unix socket to local processes
 * (src/db/pglite-server.ts), in one process: the "hub" is a shared
 * openDatabase, the clients are pg connections and command-style opens.
 * PGlite has one session, so what is checked is that a transaction runs
 * whole: nobody else's statement, the hub's own included, runs inside it.
 */
describe('the embedded database shared on a socket', { timeout: 120_000 }, () => {
  let dir: string;
  let pgliteDir: string;
  let hub: Database;
  let server: PgliteServer;
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'flattr-share-'));
    pgliteDir = path.join(dir, 'pglite');
    hub = await openDatabase({ pgliteDir, share: true });
    await migrate(hub.prisma);
    server = await hub.serve!({ idleInTransactionMs: IDLE_IN_TRANSACTION_MS });
    await hub.prisma.$executeRawUnsafe('CREATE TABLE probe (x int)');
  });
  afterAll(async () => {
    for (const c of clients) await c.end().catch(() => undefined);
    await hub?.close();
  });

  async function client(): Promise<pg.Client> {
    const c = new pg.Client({ host: server.socketDir, port: 5432, user: 'postgres', database: 'postgres' });
    c.on('error', () => {});
    clients.push(c);
    await c.connect();
    return c;
  }
  const rows = async () => (await hub.prisma.$queryRawUnsafe<{ x: number }[]>('SELECT x FROM probe ORDER BY x')).map((r) => r.x);
  const reset = () => hub.prisma.$executeRawUnsafe('DELETE FROM probe');
  /** Resolves to true once `work` settled, so a test can see that it is still waiting. */
  const track = (work: Promise<unknown>) => {
    const state = { done: false };
    void work.finally(() => { state.done = true; }).catch(() => undefined);
    return state;
  };

  it('listens in a directory only this user can enter, on a socket only this user can open', () => {
    expect(lstatSync(server.socketDir).mode & 0o777).toBe(0o700);
    expect(lstatSync(socketFile(server.socketDir)).mode & 0o777).toBe(0o600);
    expect(server.socketDir).toBe(`${pgliteDir}-socket`);
  });

  it('gives a command the hub\'s database through the socket, where migrating again changes nothing', async () => {
    const command = await openDatabase({ pgliteDir });
    try {
      expect(command).toMatchObject({ kind: 'pglite', hubPid: process.pid });
      const result = await migrate(command.prisma);
      expect(result.applied).toEqual([]);
      expect(result.alreadyApplied).toBeGreaterThan(0);
      await command.prisma.$executeRawUnsafe('INSERT INTO probe VALUES (7)');
      expect(await rows()).toEqual([7]);
    } finally {
      await command.close();
      await reset();
    }
  });

  it('runs a client\'s transaction alone: another client and the hub wait for its end, and are not rolled back with it', async () => {
    const [a, b] = [await client(), await client()];
    await a.query('BEGIN');
    await a.query('INSERT INTO probe VALUES (1)');
    const other = track(b.query('INSERT INTO probe VALUES (2)'));
    const hubStatement = track(hub.prisma.$executeRawUnsafe('INSERT INTO probe VALUES (3)'));
    const hubTransaction = track(hub.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('INSERT INTO probe VALUES (4)');
    }, { maxWait: 20_000 }));
    await sleep(400);
    expect([other.done, hubStatement.done, hubTransaction.done]).toEqual([false, false, false]);
    // On one session, a statement run inside a's transaction would be visible to it here.
    expect((await a.query('SELECT x FROM probe ORDER BY x')).rows.map((r) => r.x)).toEqual([1]);
    await a.query('ROLLBACK');
    await expect.poll(() => [other.done, hubStatement.done, hubTransaction.done], { timeout: 10_000 }).toEqual([true, true, true]);
    expect(await rows()).toEqual([2, 3, 4]);
    await reset();
  });

  it('runs the hub\'s transaction alone too: a client waits for its COMMIT', async () => {
    const a = await client();
    let clientWrote = false;
    const hubTransaction = hub.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('INSERT INTO probe VALUES (10)');
      await sleep(400);
      const seen = await tx.$queryRawUnsafe<{ n: number }[]>('SELECT count(*)::int AS n FROM probe');
      return { seen: seen[0]!.n, clientWrote };
    });
    await sleep(50);
    const write = a.query('INSERT INTO probe VALUES (11)').then(() => { clientWrote = true; });
    expect(await hubTransaction).toEqual({ seen: 1, clientWrote: false });
    await write;
    expect(await rows()).toEqual([10, 11]);
    await reset();
  });

  it('lets a command\'s transaction wait its turn while the hub holds the session longer than Prisma\'s 2 s default', async () => {
    const command = await openDatabase({ pgliteDir });
    try {
      const held = hub.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('INSERT INTO probe VALUES (15)');
        await sleep(2600);
      }, { timeout: 20_000 });
      await sleep(100);
      await command.prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe('INSERT INTO probe VALUES (16)');
      });
      await held;
      expect(await rows()).toEqual([15, 16]);
    } finally {
      await command.close();
      await reset();
    }
  });

  it('rolls back what a client left open when it goes away, and lets the others go on', async () => {
    const a = await client();
    await a.query('BEGIN');
    await a.query('INSERT INTO probe VALUES (20)');
    const waiting = track(hub.prisma.$executeRawUnsafe('INSERT INTO probe VALUES (21)'));
    (a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    await expect.poll(() => waiting.done, { timeout: 10_000 }).toBe(true);
    expect(await rows()).toEqual([21]);
    await reset();
  });

  it('cuts off a client that keeps a transaction open and idle, so it cannot stall the hub', async () => {
    const a = await client();
    const ended = new Promise((resolve) => a.once('end', resolve));
    await a.query('BEGIN');
    await a.query('INSERT INTO probe VALUES (30)');
    const started = Date.now();
    await hub.prisma.$executeRawUnsafe('INSERT INTO probe VALUES (31)');
    expect(Date.now() - started).toBeGreaterThanOrEqual(IDLE_IN_TRANSACTION_MS - 100);
    await ended;
    expect(await rows()).toEqual([31]);
    await reset();
  });

  it('keeps a client in a failed transaction alone until it rolls back', async () => {
    const [a, b] = [await client(), await client()];
    await a.query('BEGIN');
    await expect(a.query('SELECT no_such_column FROM probe')).rejects.toThrow(/no_such_column/);
    const other = track(b.query('INSERT INTO probe VALUES (40)'));
    await sleep(300);
    expect(other.done).toBe(false);
    await a.query('ROLLBACK');
    await expect.poll(() => other.done, { timeout: 10_000 }).toBe(true);
    expect(await rows()).toEqual([40]);
    await reset();
  });

  it('discards what a client set for the session once it leaves, so it does not outlive it in the hub', async () => {
    const a = await client();
    await a.query(`SET TimeZone = 'Asia/Tokyo'`);
    await a.query('PREPARE mine AS SELECT 1');
    await a.query('CREATE TEMP TABLE scratch (x int)');
    await a.end();
    await expect.poll(async () => (await hub.prisma.$queryRawUnsafe<{ TimeZone: string }[]>('SHOW TimeZone'))[0]!.TimeZone, { timeout: 5000 }).toBe('UTC');
    const b = await client();
    await b.query('PREPARE mine AS SELECT 2');
    expect((await b.query(`SELECT to_regclass('pg_temp.scratch') AS t`)).rows).toEqual([{ t: null }]);
    await b.end();
  });

  it('answers an SSL request with no, and hangs up on a client that does not speak the protocol', async () => {
    const talk = (bytes: number[]) => new Promise<{ reply: string; closed: boolean }>((resolve) => {
      const socket = connect(socketFile(server.socketDir));
      let reply = '';
      socket.on('data', (d) => { reply += d.toString('latin1'); });
      socket.on('error', () => {});
      socket.on('close', () => resolve({ reply, closed: true }));
      socket.write(Buffer.from(bytes));
      setTimeout(() => { socket.destroy(); resolve({ reply, closed: false }); }, 1500);
    });
    expect(await talk([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])).toEqual({ reply: 'N', closed: false });
    expect((await talk([0, 0, 0, 8, 0, 9, 0, 9])).closed).toBe(true);
    expect((await talk([0xff, 0xff, 0xff, 0xff, 0, 3, 0, 0])).closed).toBe(true);
    expect(await hub.prisma.$queryRawUnsafe('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('takes advisory locks through the socket without ever blocking the hub on them', async () => {
    const a = await client();
    await a.query('SELECT pg_advisory_lock(4242)');
    await a.query('SELECT pg_advisory_unlock(4242)');
    // A session lock a client holds belongs to the one PGlite session: the hub, on that same session, still gets the key;
    // one it forgets is released when it leaves.
    await a.query('SELECT pg_advisory_lock(4343)');
    const takeBoth = () => hub.prisma.$transaction(async (tx) => {
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(4343)');
      await tx.$executeRawUnsafe('SELECT pg_advisory_xact_lock(4242)');
      return 'taken';
    });
    expect(await Promise.race([takeBoth(), sleep(5000).then(() => 'blocked')])).toBe('taken');
    await a.end();
    const held = async () => (await hub.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'`))[0]!.n;
    await expect.poll(held, { timeout: 5000 }).toBe(0);
    expect(await Promise.race([takeBoth(), sleep(5000).then(() => 'blocked')])).toBe('taken');
    // Two commands migrating beside the hub take the migration lock in turn.
    const [c1, c2] = [await openDatabase({ pgliteDir }), await openDatabase({ pgliteDir })];
    try {
      const results = await Promise.all([migrate(c1.prisma), migrate(c2.prisma), migrate(hub.prisma)]);
      for (const result of results) expect(result.applied).toEqual([]);
    } finally {
      await c1.close();
      await c2.close();
    }
  });
});

describe('who opens the embedded database', { timeout: 120_000 }, () => {
  const fresh = async () => path.join(await mkdtemp(path.join(tmpdir(), 'flattr-share-')), 'pglite');

  it('a command waits for a hub that holds the database and is still starting, then goes through its socket', async () => {
    const pgliteDir = await fresh();
    const hub = await openDatabase({ pgliteDir, share: true });
    try {
      const command = openDatabase({ pgliteDir });
      const state = { done: false };
      void command.finally(() => { state.done = true; });
      await sleep(500);
      expect(state.done).toBe(false);
      await hub.serve!();
      const db = await command;
      expect(db.hubPid).toBe(process.pid);
      await db.close();
    } finally {
      await hub.close();
    }
  });

  it('a command is refused with what to do when the hub never shares, or another command holds the database', async () => {
    const pgliteDir = await fresh();
    const hub = await openDatabase({ pgliteDir, share: true });
    try {
      await expect(openDatabase({ pgliteDir, hubStartWaitMs: 300 })).rejects.toThrow(/held by a hub \(process \d+\) that has not shared it within 0.3 s; .*DATABASE_URL/);
      await expect(openDatabase({ pgliteDir, share: true })).rejects.toThrow(DatabaseInUseError);
    } finally {
      await hub.close();
    }
    const command = await openDatabase({ pgliteDir });
    try {
      const started = Date.now();
      await expect(openDatabase({ pgliteDir })).rejects.toThrow(/in use by process \d+ \(another flattr command\); wait for it to finish/);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await command.close();
    }
  });

  it('a hub closing while a client is inside a transaction rolls it back and closes at once', async () => {
    const pgliteDir = await fresh();
    const hub = await openDatabase({ pgliteDir, share: true });
    const server = await hub.serve!();
    await hub.prisma.$executeRawUnsafe('CREATE TABLE probe (x int)');
    const c = new pg.Client({ host: server.socketDir, port: 5432, user: 'postgres', database: 'postgres' });
    c.on('error', () => {});
    await c.connect();
    await c.query('BEGIN');
    await c.query('INSERT INTO probe VALUES (1)');
    const started = Date.now();
    await hub.close();
    expect(Date.now() - started).toBeLessThan(3000);
    const command = await openDatabase({ pgliteDir });
    try {
      expect(await command.prisma.$queryRawUnsafe('SELECT count(*)::int AS n FROM probe')).toEqual([{ n: 0 }]);
    } finally {
      await command.close();
    }
  });

  it('after a hub was killed, a command opens the database itself and the next hub replaces its stale socket', async () => {
    const pgliteDir = await fresh();
    const socketDir = `${pgliteDir}-socket`;
    mkdirSync(pgliteDir, { recursive: true });
    mkdirSync(socketDir, { mode: 0o700 });
    writeFileSync(socketFile(socketDir), 'left by a killed hub');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(path.join(pgliteDir, 'flattr.pid'), `${dead}\nhub\n${socketDir}`);
    const command = await openDatabase({ pgliteDir });
    expect(command.hubPid).toBeUndefined();
    await command.close();
    writeFileSync(path.join(pgliteDir, 'flattr.pid'), `${dead}\nhub\n${socketDir}`);
    const hub = await openDatabase({ pgliteDir, share: true });
    try {
      await hub.serve!();
      expect(lstatSync(socketFile(socketDir)).isSocket()).toBe(true);
      const through = await openDatabase({ pgliteDir });
      expect(through.hubPid).toBe(process.pid);
      await through.close();
    } finally {
      await hub.close();
    }
  });

  it('once the hub has closed, its socket is gone and a command opens the database itself', async () => {
    const pgliteDir = await fresh();
    const hub = await openDatabase({ pgliteDir, share: true });
    const server = await hub.serve!();
    await migrate(hub.prisma);
    await hub.close();
    expect(existsSync(socketFile(server.socketDir))).toBe(false);
    const command = await openDatabase({ pgliteDir });
    try {
      expect(command.hubPid).toBeUndefined();
      expect((await migrate(command.prisma)).applied).toEqual([]);
    } finally {
      await command.close();
    }
  });
});
