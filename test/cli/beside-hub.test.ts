import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../src/queues.js';
import { runCli } from '../support/cli.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { randomQueuePrefix } from '../support/queue.js';
import { likeEvent } from '../support/world.js';

/** The month before this one, in UTC (SETTLEMENT_TZ's default): closed, and its likes still count in it. */
function previousPeriod(now = new Date()): string {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

const ndjson = (...events: object[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

/**
 * `npm start` on the embedded default (no DATABASE_URL) as a real process, and
 * the operator's commands run beside it as real processes: they use the hub's
 * database through its socket and work as they do on PostgreSQL.
 */
describe('commands beside a running hub on the embedded database', { timeout: 300_000 }, () => {
  const period = previousPeriod();
  let env: Record<string, string>;
  let dataDir: string;
  let hub: HubProcess;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'flattr-beside-'));
    // No grace: last month settles even in the first hour of a month (the period is the real clock's).
    env = { DATA_DIR: dataDir, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: randomQueuePrefix(), SETTLEMENT_GRACE_MINUTES: '0' };
    hub = await startHubProcess(env, 90_000);
  }, 120_000);
  afterAll(async () => { await hub?.stop(); });

  const cli = async (args: string[], input?: string) => {
    const result = await runCli(args, env, input);
    // stderr carries progress lines; an error would be a "flattr: …" line.
    expect(result.stderr, `flattr ${args.join(' ')}`).not.toMatch(/^flattr:/m);
    expect(result.code, `flattr ${args.join(' ')}`).toBe(0);
    return result.stdout;
  };

  it('sets supporters, credits wallets (two at once), imports likes, settles a closed period and reports it', async () => {
    expect(await cli(['supporter', 'set', '--platform', 'slack', '--external-id', 'T1:U1', '--budget', '10.00', '--on', 'slack'])).toMatch(/^created supporter/);
    // Two transactions from two processes at once: they take turns on the one PGlite session, both land.
    const credits = await Promise.all([
      cli(['wallet', 'credit', '--platform', 'slack', '--external-id', 'T1:U1', '--amount', '20.00']),
      cli(['wallet', 'credit', '--platform', 'slack', '--external-id', 'T1:U1', '--amount', '15.00']),
    ]);
    const wallets = credits.map((out) => /wallet (\d+\.\d\d) EUR/.exec(out)?.[1]).sort();
    expect(wallets.includes('35.00')).toBe(true);
    expect(['15.00', '20.00']).toContain(wallets.find((w) => w !== '35.00'));

    const imported = JSON.parse(await cli(['likes', 'import', '-', '--json'], ndjson(
      likeEvent({ liker: 'T1:U1', author: 'T1:U2', item: 'T1:C1:1.1', occurredAt: `${period}-15T12:00:00.000Z` }),
      likeEvent({ liker: 'T1:U1', author: 'T1:U3', item: 'T1:C1:1.2', occurredAt: `${period}-16T12:00:00.000Z` }),
    ))) as { accepted: number };
    expect(imported.accepted).toBe(2);

    const settled = await cli(['settle', '--period', period]);
    expect(settled).toContain(`settled ${period}`);
    expect(settled).toContain('EUR: charged 10.00, fees 1.00, to creators 0.00, to escrow 9.00');
    // The hub's settle worker did the run: the command only waited for it.
    expect(hub.output()).toContain('settlement: period settled');

    const report = JSON.parse(await cli(['report', '--period', period, '--json']));
    expect(report).toMatchObject({
      period, status: 'settled',
      supporters: [{ identities: [{ platform: 'slack', externalId: 'T1:U1' }], currency: 'EUR', budget: 1000, charged: 1000, fee: 100, flattrs: 2 }],
      totals: [{ currency: 'EUR', charged: 1000, fees: 100, credited: 0, escrowed: 900 }],
    });
    expect(report.recipients.map((r: { externalId: string; amount: number }) => [r.externalId, r.amount]).sort()).toEqual([['T1:U2', 450], ['T1:U3', 450]]);
    expect(await cli(['ledger', 'verify'])).toMatch(/^ledger ok/);
  });

  it('goes on ingesting while a local client holds a transaction, after it and never inside it', async () => {
    const client = new pg.Client({ host: path.join(dataDir, 'pglite-socket'), port: 5432, user: 'postgres', database: 'postgres' });
    const likes = new Queue(QUEUES.likes, { connection: { url: TEST_REDIS_URL }, prefix: env.QUEUE_PREFIX });
    await client.connect();
    try {
      const count = async () => (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM flattrs WHERE item = 'T1:C1:2.1'`)).rows[0]!.n;
      await client.query('BEGIN');
      await client.query(`INSERT INTO identities (platform, external_id) VALUES ('slack', 'T1:ROLLED-BACK')`);
      const importing = runCli(['likes', 'import', '-', '--json'], env, ndjson(likeEvent({ liker: 'T1:U1', author: 'T1:U2', item: 'T1:C1:2.1', occurredAt: new Date().toISOString() })));
      // The hub's ingest worker has the like and waits for the database; this transaction stays alone (and not idle).
      for (let i = 0; i < 120 && (await likes.getActiveCount()) === 0; i++) {
        expect(await count()).toBe(0);
        await sleep(250);
      }
      expect(await likes.getActiveCount()).toBeGreaterThan(0);
      await sleep(500);
      expect(await count()).toBe(0);
      await client.query('ROLLBACK');
      const result = await importing;
      expect(result.code).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ accepted: 1 });
      expect(await count()).toBe(1);
      expect((await client.query(`SELECT count(*)::int AS n FROM identities WHERE external_id = 'T1:ROLLED-BACK'`)).rows[0].n).toBe(0);
    } finally {
      await client.end();
      await likes.close();
    }
  });

  it('opens the database itself once the hub has stopped', async () => {
    const { code } = await hub.stop();
    expect(code).toBe(0);
    expect(existsSync(path.join(dataDir, 'pglite', 'flattr.pid'))).toBe(false);
    const report = JSON.parse(await cli(['report', '--period', period, '--json']));
    expect(report.totals).toEqual([{ currency: 'EUR', charged: 1000, fees: 100, credited: 0, escrowed: 900 }]);
  });
});
