import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { formatWhen } from '../../src/cli/settlement-format.js';
import { QUEUES } from '../../src/queues.js';
import { nextSettlement } from '../../src/settlement/next-settlement.js';
import { SETTLE_JOB } from '../../src/settlement/settle-jobs.js';
import { createPostgresDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';
import { randomQueuePrefix } from '../support/queue.js';

/**
 * What `flattr start` prints before it serves: one line saying what it runs
 * on, one line per platform adapter, and one line saying where the pages
 * are (from PUBLIC_URL) and when the next settlement runs, in JSON for
 * machines and as single lines for a person at a terminal.
 */
describe('the start log', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  });

  async function start(env: Record<string, string>): Promise<{ hub: HubProcess; prefix: string; startedAt: Date }> {
    const database = await createPostgresDatabase();
    cleanups.push(() => database.drop());
    const prefix = randomQueuePrefix();
    const startedAt = new Date();
    const hub = await startHubProcess({
      DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix,
      DATA_DIR: await mkdtemp(path.join(tmpdir(), 'flattr-start-log-')), ADMIN_TOKEN: 'an-admin-token-for-the-test',
      // Every interface, as by default: Fastify would log one line for each.
      HOST: '0.0.0.0', PUBLIC_URL: 'https://hub.example.org/', SETTLEMENT_TZ: 'Europe/Paris', SETTLEMENT_GRACE_MINUTES: '1500',
      TWITTER_BEARER_TOKEN: 'an-x-token', ...env,
    });
    cleanups.push(() => hub.stop('SIGKILL'));
    return { hub, prefix, startedAt };
  }

  it('in JSON: one line per adapter, then one with the URLs and the next settlement as BullMQ scheduled it', async () => {
    const { hub, prefix, startedAt } = await start({ LOG_FORMAT: 'json' });
    const lines = hub.output().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown> & { msg: string });
    const from = lines.findIndex((l) => l.msg.startsWith('flattr-hub starting'));
    const to = lines.findIndex((l) => l.url === hub.url);
    const startLog = lines.slice(from, to + 1).filter((l) => l.level === 30);
    expect(startLog.map((l) => l.msg.split(/[:(]/)[0]!.trim())).toEqual(['flattr-hub starting', 'slack', 'discord', 'twitter', 'payments', 'http server listening on http']);
    expect(startLog.find((l) => l.msg.startsWith('payments'))).toMatchObject({ payments: false, msg: expect.stringMatching(/^payments: off \(set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET/) });

    const adapters = startLog.filter((l) => 'adapter' in l);
    expect(adapters.map((l) => [l.adapter, l.on])).toEqual([['slack', false], ['discord', false], ['twitter', false]]);
    for (const name of ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_CLIENT_ID', 'SLACK_CLIENT_SECRET']) expect(adapters[0]!.msg).toContain(name);
    expect(adapters[1]!.msg).toBe('discord: off (set DISCORD_TOKEN and DISCORD_APPLICATION_ID)');
    // X is half configured here (a bearer token alone): the line names what is missing rather than "on".
    expect(adapters[2]!.msg).toBe('twitter: off (set TWITTER_CLIENT_ID, TWITTER_CLIENT_SECRET and TWITTER_CONSUMER_SECRET too (TWITTER_MODE=webhook))');

    const ready = startLog.at(-1)!;
    const settle = await new Queue(QUEUES.settle, { connection: { url: TEST_REDIS_URL }, prefix });
    const scheduler = await settle.getJobScheduler(SETTLE_JOB.periodClose).finally(() => settle.close());
    const expected = nextSettlement(startedAt, 'Europe/Paris', 1500);
    expect(ready).toMatchObject({
      url: hub.url,
      web: 'https://hub.example.org/', metrics: 'https://hub.example.org/metrics', queues: 'https://hub.example.org/admin/queues',
      nextSettlement: { period: expected.period, at: expected.at.toISOString() },
    });
    // The same instant as the period-close job scheduler the hub registered: 01:00 on the 2nd in Paris.
    expect(scheduler?.next).toBe(expected.at.getTime());
    expect(ready.msg).toBe(`http server listening on ${hub.url}: web https://hub.example.org/ (sign-in; dashboard pages not built yet), `
      + 'metrics https://hub.example.org/metrics, queues https://hub.example.org/admin/queues (admin token); '
      + `next settlement: ${expected.period} at ${formatWhen(expected.at, 'Europe/Paris')}`);
    expect(ready.msg).toMatch(/next settlement: \d{4}-\d\d at \d{4}-\d\d-02 01:00 Europe\/Paris$/);
    expect(hub.output()).not.toContain('Server listening at');
    // There is a page at `/` (the sign-in page), as the line says.
    expect((await fetch(`${hub.url}/`)).status).toBe(200);
  });

  it('pretty: each of those is one line on the terminal, its fields said in its message', async () => {
    const { hub } = await start({ LOG_FORMAT: 'pretty' });
    // eslint-disable-next-line no-control-regex
    const text = hub.output().replace(/\u001b\[[0-9;]*m/g, '');
    const lines = text.trimEnd().split('\n');
    const from = lines.findIndex((l) => l.includes('flattr-hub starting'));
    const to = lines.findIndex((l) => l.includes('http server listening'));
    const startLog = lines.slice(from, to + 1);
    expect(startLog).toHaveLength(6);
    expect(startLog.every((l) => /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: /.test(l))).toBe(true);
    expect(startLog[0]).toMatch(/INFO: flattr-hub starting: role all, database postgres, redis redis:\/\/127\.0\.0\.1:\d+$/);
    expect(startLog.slice(1, 4).map((l) => l.replace(/^.*INFO: /, '').split(':')[0])).toEqual(['slack', 'discord', 'twitter']);
    expect(startLog[4]).toMatch(/INFO: payments: off \(set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET/);
    expect(startLog[5]).toContain(`http server listening on ${hub.url}: web https://hub.example.org/ `);
    expect(startLog[5]).toMatch(/; next settlement: \d{4}-\d\d at \d{4}-\d\d-02 01:00 Europe\/Paris$/);
  });
});
