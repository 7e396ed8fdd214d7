import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startHub, type Hub } from '../../src/main.js';
import { openDatabase } from '../../src/db/database.js';
import { runCli } from '../support/cli.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';
import { likeEvent } from '../support/world.js';

// Each case spawns the real bin (about a second each when the machine is quiet, far more under load).
describe('the flattr CLI', { timeout: 240_000 }, () => {
  let database: TestDatabase;
  let env: Record<string, string>;
  let dir: string;
  beforeAll(async () => {
    database = await createPostgresDatabase();
    dir = await mkdtemp(path.join(tmpdir(), 'flattr-cli-'));
    env = { DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(), DATA_DIR: dir };
  });
  afterAll(async () => { await database?.drop(); });

  const count = async (sql: string) => (await database.prisma.$queryRawUnsafe<{ n: number }[]>(sql))[0]!.n;

  it('lists every command, nested ones included', async () => {
    const { code, stdout } = await runCli(['--help'], env);
    expect(code).toBe(0);
    for (const command of ['start', 'migrate', 'likes import', 'wallet credit', 'supporter set']) expect(stdout).toContain(`flattr ${command}`);
  });

  it.each([
    [['bogus'], /unknown command 'bogus'/],
    [['supporter', 'set', '--platform', 'slack'], /required option '--external-id <id>' not specified/],
    [['start', '--role', 'chef'], /argument 'chef' is invalid/],
    [['supporter', 'set', '--platform', 'slack', '--external-id', 'T1:U1', '--wat'], /unknown option '--wat'/],
  ])('refuses %j with a one-line reason and a non-zero exit', async (args, reason) => {
    const { code, stderr } = await runCli(args, env);
    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(reason);
  });

  it('creates and changes a supporter, and refuses bad money input naming the field without writing anything', async () => {
    const created = await runCli(['supporter', 'set', '--platform', 'slack', '--external-id', 'T1:U1', '--budget', '35.00', '--on', 'slack,twitter', '--emoji', 'star,heart'], env);
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toMatch(/created supporter \d+ \(slack:T1:U1\): budget 35\.00 EUR\/month, active, on: slack,twitter, emoji: star,heart/);
    for (const [flag, value, field] of [['--budget', '35,5', 'budget'], ['--budget', '1e3', 'budget'], ['--budget', '-2', 'budget'], ['--currency', 'EURO', 'currency'], ['--on', 'myspace', 'on']]) {
      const refused = await runCli(['supporter', 'set', '--platform', 'slack', '--external-id', 'T1:U1', flag!, value!], env);
      expect(refused.code, `${flag} ${value}`).toBe(1);
      expect(refused.stderr.trim()).toMatch(new RegExp(`^flattr: ${field}: `));
    }
    const refusedNew = await runCli(['supporter', 'set', '--platform', 'slack', '--external-id', 'T1:NEW', '--budget', '35,5'], env);
    expect(refusedNew.code).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM identities WHERE external_id = 'T1:NEW'`)).toBe(0);
    const [settings] = await database.prisma.$queryRawUnsafe<{ budget_minor: bigint }[]>(`SELECT budget_minor FROM supporter_settings`);
    expect(settings!.budget_minor).toBe(3500n);
  });

  it('credits a wallet exactly, once per idempotency key, and refuses bad amounts', async () => {
    const args = ['wallet', 'credit', '--platform', 'slack', '--external-id', 'T1:U1', '--amount', '50.05', '--idempotency-key', 'k1'];
    expect((await runCli(args, env)).stdout).toMatch(/credited 50\.05 EUR to slack:T1:U1; wallet 50\.05 EUR/);
    expect((await runCli(args, env)).stdout).toMatch(/already credited .*wallet 50\.05 EUR/);
    for (const amount of ['35,5', '1e3', '-2', '0']) {
      const refused = await runCli(['wallet', 'credit', '--platform', 'slack', '--external-id', 'T1:U1', '--amount', amount], env);
      expect(refused.code, amount).toBe(1);
      expect(refused.stderr).toMatch(/^flattr: amount: /);
    }
    const usd = await runCli(['wallet', 'credit', '--platform', 'slack', '--external-id', 'T1:U1', '--amount', '5', '--currency', 'USD'], env);
    expect(usd.stderr).toMatch(/^flattr: currency: the supporter's wallet is in EUR, not USD/);
    expect(await count(`SELECT count(*)::int AS n FROM transfers`)).toBe(1);
  });

  it('imports likes with no hub running (worker in-process) and prints the final counts', async () => {
    const file = path.join(dir, 'likes.ndjson');
    await writeFile(file, [JSON.stringify(likeEvent({ item: 'T1:C1:cli-1' })), 'not json', JSON.stringify(likeEvent({ item: 'T1:C1:cli-2', author: 'T1:U1' }))].join('\n'));
    const { code, stdout } = await runCli(['likes', 'import', file], env);
    expect(code).toBe(2);
    expect(stdout).toMatch(/accepted\s+1\n\s+duplicate\s+0\n\s+ignored\s+1 \(self_like 1\)\n\s+invalid\s+1\n\s+line 2: not valid JSON/);
    expect(await count(`SELECT count(*)::int AS n FROM flattrs WHERE item = 'T1:C1:cli-1'`)).toBe(1);
  });

  it('imports from standard input through a running hub without opening a database itself', async () => {
    const prefix = randomQueuePrefix();
    const hub: Hub = await startHub(loadConfig({ ...env, QUEUE_PREFIX: prefix, PORT: '0', LOG_LEVEL: 'silent' }), { role: 'worker' });
    try {
      const input = JSON.stringify(likeEvent({ item: 'T1:C1:via-hub' }));
      // A database URL that cannot work: the import must go through the hub's worker.
      const { code, stdout, stderr } = await runCli(['likes', 'import', '-', '--json'], { ...env, QUEUE_PREFIX: prefix, DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' }, input);
      expect(stderr).not.toMatch(/error/i);
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toMatchObject({ lines: 1, queued: 1, accepted: 1 });
      expect(await count(`SELECT count(*)::int AS n FROM flattrs WHERE item = 'T1:C1:via-hub'`)).toBe(1);
    } finally {
      await hub.close();
    }
  });

  it('says in one line that Redis is unreachable, and how to start one', async () => {
    const { code, stderr } = await runCli(['likes', 'import', '-'], { ...env, REDIS_URL: 'redis://127.0.0.1:1' });
    expect(code).toBe(1);
    expect(stderr.trim()).toMatch(/^flattr: Redis is unreachable at redis:\/\/127\.0\.0\.1:1: start one with `redis-server/);
  });

  it('names every invalid variable at once', async () => {
    const { code, stderr } = await runCli(['migrate'], { ...env, FEE_BPS: '12000', SETTLEMENT_TZ: 'Mars/Olympus', PORT: 'x' });
    expect(code).toBe(1);
    for (const name of ['FEE_BPS', 'SETTLEMENT_TZ', 'PORT']) expect(stderr).toContain(name);
  });
});

describe('the embedded database', { timeout: 240_000 }, () => {
  // A hub shares its embedded database (test/cli/beside-hub.test.ts); another command holding it does not.
  it('refuses a second process on the same PGlite directory with what to do, and is free again once the first stops', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'flattr-pglite-'));
    const env = { DATA_DIR: dataDir, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix() };
    const hub = await openDatabase({ pgliteDir: path.join(dataDir, 'pglite') });
    try {
      const refused = await runCli(['supporter', 'set', '--platform', 'slack', '--external-id', 'T1:U1'], env);
      expect(refused.code).toBe(1);
      expect(refused.stderr.trim()).toMatch(/^flattr: the embedded database in .* is in use by process \d+ .*set DATABASE_URL/);
    } finally {
      await hub.close();
    }
    const accepted = await runCli(['supporter', 'set', '--platform', 'slack', '--external-id', 'T1:U1'], env);
    expect(accepted.code).toBe(0);
  });
});
