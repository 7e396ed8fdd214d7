import net from 'node:net';
import path from 'node:path';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { ensureAccounts } from '../../src/ledger/accounts.js';
import { postTransfer } from '../../src/ledger/post-transfer.js';
import { runCli } from '../support/cli.js';
import { useCliEnv } from '../support/cli-env.js';
import { TEST_PG_ADMIN_URL, TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';

/** What an operator meets at the terminal: every expected failure is one line and changes nothing. */
describe('the flattr CLI for an operator', { timeout: 240_000 }, () => {
  const world = useCliEnv();
  const database = { get prisma() { return world.database().prisma; } };

  const oneLine = (result: { code: number; stderr: string }, reason: RegExp) => {
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
    expect(result.stderr).toMatch(reason);
  };
  const identities = async () => (await database.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM identities`))[0]!.n;

  it('prints its version', async () => {
    const { code, stdout } = await runCli(['--version'], world.env());
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('refuses contradictory flags and malformed platform ids in one line, writing nothing', async () => {
    oneLine(await runCli(['supporter', 'set', '--platform', 'slack', '--external-id', 'T1:U1', '--active', '--inactive'], world.env()), /cannot be used with/);
    oneLine(await runCli(['supporter', 'set', '--platform', 'slack', '--external-id', 'u123', '--budget', '5'], world.env()), /"u123" is not a slack user id: write TEAM:USER/);
    oneLine(await runCli(['supporter', 'set', '--platform', 'discord', '--external-id', 'bob#1234', '--budget', '5'], world.env()), /not a discord user id/);
    oneLine(await runCli(['wallet', 'credit', '--platform', 'x', '--external-id', '@bob', '--amount', '5'], world.env()), /not a twitter user id/);
    expect(await identities()).toBe(0);
  });

  it('refuses a likes import of a directory or of a missing file in one line', async () => {
    oneLine(await runCli(['likes', 'import', world.dataDir()], world.env()), /cannot read .*: it is a directory; give an NDJSON file/);
    oneLine(await runCli(['likes', 'import', path.join(world.dataDir(), 'nope.ndjson')], world.env()), /cannot read .*nope\.ndjson: no such file/);
  });

  it('says in one line when DATABASE_URL names a database or a server that does not exist', async () => {
    const missing = new URL(TEST_PG_ADMIN_URL);
    missing.pathname = '/flattr_no_such_database';
    oneLine(await runCli(['report', '--period', '2026-10'], { ...world.env(), DATABASE_URL: missing.toString() }),
      new RegExp(`PostgreSQL at ${missing.host.replaceAll('.', '\\.')} has no database "flattr_no_such_database": create it \\(createdb flattr_no_such_database\\) or fix DATABASE_URL`));
    oneLine(await runCli(['report', '--period', '2026-10'], { ...world.env(), DATABASE_URL: 'postgresql://postgres:s3cret@127.0.0.1:1/x' }),
      /PostgreSQL is unreachable at 127\.0\.0\.1:1: start it, or fix DATABASE_URL \(postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/x\)/);
  });

  it('refuses to start on a port in use in one line, before any worker starts', async () => {
    const taken = net.createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as net.AddressInfo).port;
    const prefix = randomQueuePrefix();
    try {
      oneLine(await runCli(['start'], { ...world.env(), QUEUE_PREFIX: prefix, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' }),
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use \\(another hub\\?\\): stop that process or set PORT`));
    } finally {
      taken.close();
    }
    // No worker ever started: nothing was registered under the hub's queue prefix.
    const redis = new Redis(TEST_REDIS_URL);
    try {
      expect(await redis.keys(`${prefix}*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('shows a supporter and a creator, and says how much escrow a claim moved', async () => {
    const ok = async (args: string[]) => {
      const result = await runCli(args, world.env());
      expect(result.code, result.stderr).toBe(0);
      return result.stdout;
    };
    await ok(['supporter', 'set', '--platform', 'slack', '--external-id', 'T1:SHOW', '--budget', '12.50', '--on', 'slack']);
    await ok(['wallet', 'credit', '--platform', 'slack', '--external-id', 'T1:SHOW', '--amount', '20']);
    const shown = await ok(['supporter', 'show', '--platform', 'slack', '--external-id', 'T1:SHOW']);
    expect(shown).toContain('  budget      €12.50 a month, active, on slack');
    expect(shown).toContain('  wallet      €20.00');
    expect(shown).toContain('  flattrs     0 flattrs not settled yet');
    oneLine(await runCli(['creator', 'show', '--platform', 'slack', '--external-id', 'T1:NOBODY'], world.env()), /nobody has flattred slack:T1:NOBODY/);
    oneLine(await runCli(['supporter', 'show', '--platform', 'slack', '--external-id', 'T1:NOBODY'], world.env()), /not a supporter/);

    // A creator someone's money waits for in escrow, then claimed by the operator.
    const db = database.prisma;
    const [identity] = await db.$queryRawUnsafe<[{ id: number }]>(`INSERT INTO identities (platform, external_id) VALUES ('discord', '80351110224678912') RETURNING id`);
    await db.$transaction(async (tx) => {
      const [external, escrow] = await ensureAccounts(tx, [{ kind: 'external', currency: 'EUR' }, { kind: 'escrow', identityId: identity.id, currency: 'EUR' }]);
      await postTransfer(tx, { kind: 'test', idempotencyKey: 'show-escrow', entries: [
        { accountId: external!, currency: 'EUR', amount: -630n },
        { accountId: escrow!, currency: 'EUR', amount: 630n, payerUserId: null },
      ] });
    });
    const creator = await ok(['creator', 'show', '--platform', 'discord', '--external-id', '80351110224678912']);
    expect(creator).toContain('discord:80351110224678912 (not joined)');
    expect(creator).toMatch(/escrow {6}€6\.30 waiting for discord:80351110224678912; it goes back to its supporters from \d{4}-\d\d-\d\d unless claimed/);
    const claimed = await ok(['supporter', 'set', '--platform', 'discord', '--external-id', '80351110224678912', '--budget', '5']);
    expect(claimed).toContain('claimed discord:80351110224678912: 6.30 EUR of escrow moved to its creator balance');
    expect(await ok(['creator', 'show', '--platform', 'discord', '--external-id', '80351110224678912'])).toContain('  balance     €6.30');
  });
});
