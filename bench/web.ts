/**
 * bench/web: the supporter's month page and its API for a supporter with
 * 10,000 flattrs this month, and the creator page for a creator with 100,000
 * flattrs received (settled last month by the settle worker), each under 50
 * concurrent connections for 10 s against a real hub (`flattr start --role
 * api`), next to /healthz measured in the same run: the server's own floor
 * on this machine (issue 15). Targets, printed beside the figures and never
 * asserted: p99 under 100 ms, and at least 20% of /healthz's requests/s.
 *
 *   npm run bench:web                       # the full run
 *   BENCH_SCALE=0.001 npx tsx bench/web.ts  # a smoke run: tiny data, 1 s each
 *
 * The bin is measured as `npm install` leaves it (the build runs first).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { Db } from '../src/db/database.js';
import { periodOf, previousPeriod } from '../src/domain/period.js';
import { createLogger } from '../src/support/logger.js';
import { loadMonthShares } from '../src/web/month/month-shares.js';
import { createLoginLink } from '../src/web/login-links.js';
import { settleInProcess } from '../workers/settle-in-process.js';
import { createPostgresDatabase } from '../test/support/database.js';
import { deleteKeys } from '../test/support/delete-keys.js';
import { TEST_REDIS_URL } from '../test/support/env.js';
import { freePort } from '../test/support/free-port.js';
import { randomQueuePrefix } from '../test/support/queue.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const MONTH_FLATTRS = Math.max(10, Math.round(10_000 * SCALE));
const RECEIVED_FLATTRS = Math.max(100, Math.round(100_000 * SCALE));
/** Supporters behind the creator's flattrs, 100 flattrs each (one per item). */
const CREATOR_SUPPORTERS = Math.max(1, Math.round(RECEIVED_FLATTRS / 100));
const DURATION_S = Math.max(1, Math.round(10 * SCALE));
const CONNECTIONS = 50;
const TARGET_P99_MS = 100;
const TARGET_RATIO = 0.2;

const q = (db: Db, sql: string, ...params: unknown[]) => db.$executeRawUnsafe(sql, ...params);

/**
 * The world, set-based. Users: 1 the supporter, 2 the creator, 3.. the
 * creator's supporters; identities alike, plus 1,000 recipients of the
 * supporter's flattrs (every other one claimed by the creator user, whose
 * page then counts those too). Wallets are funded by one balanced transfer.
 */
async function generateWorld(db: Db, month: string, lastMonth: string): Promise<void> {
  const users = 2 + CREATOR_SUPPORTERS;
  await q(db, `INSERT INTO users (id, currency) SELECT g, 'EUR' FROM generate_series(1, $1::int) g`, users);
  await q(db, `SELECT setval('users_id_seq', $1::int)`, users);
  await q(db, `INSERT INTO identities (platform, external_id, user_id) SELECT 'slack', 'T1:U' || g, g FROM generate_series(1, $1::int) g`, users);
  await q(db, `INSERT INTO identities (platform, external_id, handle, user_id)
               SELECT 'slack', 'T1:R' || g, 'maker' || g, CASE WHEN g % 2 = 0 THEN 2 END FROM generate_series(1, 1000) g`);
  await q(db, `INSERT INTO supporter_settings (user_id, budget_minor, platforms) SELECT g, 3500, '{slack}' FROM generate_series(1, $1::int) g WHERE g <> 2`, users);
  await q(db, `INSERT INTO accounts (kind, currency) VALUES ('external', 'EUR')`);
  await q(db, `INSERT INTO accounts (kind, user_id, currency) SELECT 'wallet', g, 'EUR' FROM generate_series(1, $1::int) g WHERE g <> 2`, users);
  await q(db, `INSERT INTO transfers (kind, idempotency_key) VALUES ('funding', 'bench-web-funding')`);
  await q(db, `INSERT INTO entries (transfer_id, account_id, currency, amount) SELECT 1, a.id, 'EUR', 10000 FROM accounts a WHERE a.kind = 'wallet'`);
  await q(db, `INSERT INTO entries (transfer_id, account_id, currency, amount)
               SELECT 1, (SELECT id FROM accounts WHERE kind = 'external'), 'EUR', -sum(amount) FROM entries WHERE transfer_id = 1`);
  // The supporter's month: one like a minute from the 1st, across the 1,000 recipients.
  await q(db, `INSERT INTO flattrs (supporter_id, recipient_identity_id, platform, item, community, channel, period, occurred_at, status, source_event_id)
               SELECT 1, r.id, 'slack', 'T1:C1:' || g, 'T1', 'C1', $2, $3::timestamptz + (g % 40000) * interval '1 minute', 'active', 'm' || g
                 FROM generate_series(1, $1::int) g JOIN identities r ON r.platform = 'slack' AND r.external_id = 'T1:R' || (1 + g % 1000)`,
  MONTH_FLATTRS, month, `${month}-01T00:00:00Z`);
  // What the creator received last month: 100 flattrs from each of their supporters.
  await q(db, `INSERT INTO flattrs (supporter_id, recipient_identity_id, platform, item, community, channel, period, occurred_at, status, source_event_id)
               SELECT 3 + g / 100, (SELECT id FROM identities WHERE external_id = 'T1:U2'), 'slack', 'T1:C2:' || g, 'T1', 'C2', $2, $3::timestamptz, 'active', 'r' || g
                 FROM generate_series(0, $1::int - 1) g`,
  RECEIVED_FLATTRS, lastMonth, `${lastMonth}-15T12:00:00Z`);
  await q(db, `VACUUM ANALYZE`);
}

type Measured = { path: string; p50: number; p99: number; rps: number; bytes: number; non2xx: number; errors: number };

/** What Chromium sends with a page view besides the cookie: every browser accepts gzip. */
const BROWSER_HEADERS = { 'accept-encoding': 'gzip, deflate, br, zstd', 'accept-language': 'en-US,en;q=0.9' };

/**
 * A short unreported run first, so the figures are the server's steady state, not its JIT warming up.
 * `plain`: without Accept-Encoding, as a script (curl) asks: the answer goes out uncompressed.
 */
async function measure(base: string, urlPath: string, cookie?: string, o: { plain?: boolean } = {}): Promise<Measured> {
  const headers = { ...(o.plain ? {} : BROWSER_HEADERS), ...(cookie ? { cookie } : {}) };
  if (DURATION_S > 1) await autocannon({ url: base + urlPath, connections: CONNECTIONS, duration: 1, headers });
  const result = await autocannon({ url: base + urlPath, connections: CONNECTIONS, duration: DURATION_S, headers });
  // Bytes per answer (headers and body): loopback writes of large pages are most of a view's CPU (a profile of the hub: writev 28%).
  const bytes = result.requests.total ? result.throughput.total / result.requests.total : 0;
  return { path: o.plain ? `${urlPath} (no Accept-Encoding)` : urlPath, p50: result.latency.p50, p99: result.latency.p99, rps: result.requests.average, bytes, non2xx: result.non2xx, errors: result.errors + result.timeouts };
}

async function signIn(db: Db, base: string, userId: number): Promise<string> {
  const link = await createLoginLink(db, userId, base, new Date());
  const response = await fetch(link.url, { redirect: 'manual' });
  if (response.status !== 303) throw new Error(`sign-in answered ${response.status}`);
  return response.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

const database = await createPostgresDatabase();
const prefix = randomQueuePrefix();
const dataDir = mkdtempSync(path.join(tmpdir(), 'flattr-bench-web-'));
let stopHub: (() => Promise<void>) | undefined;
try {
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`scripts/build.mjs failed:\n${built.stdout}${built.stderr}`);
  const db = database.prisma;
  const month = periodOf(new Date(), 'UTC');
  const lastMonth = previousPeriod(month);
  let started = performance.now();
  await generateWorld(db, month, lastMonth);
  const generated = (performance.now() - started) / 1000;
  started = performance.now();
  await settleInProcess({
    db, connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, prefix,
    settings: { feeBps: 1000, policy: 'keep', batchSize: 1000, timeZone: 'UTC', graceMinutes: 0 },
    concurrency: 2, logger: createLogger('silent'),
  }, lastMonth, { intervalMs: 50 });
  console.log(`world: supporter with ${MONTH_FLATTRS} flattrs in ${month}, creator with ${RECEIVED_FLATTRS} flattrs received from ${CREATOR_SUPPORTERS} supporters in ${lastMonth}; `
    + `generated by SQL in ${generated.toFixed(2)} s, ${lastMonth} settled by the settle worker in ${((performance.now() - started) / 1000).toFixed(2)} s`);

  // What a view costs when the split is not kept (web-views.ts keeps a reading 2 s per supporter).
  const cold: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    const shares = await loadMonthShares(db, 1, month, { feeBps: 1000, policy: 'keep' }, 200);
    cold.push(performance.now() - t);
    if (shares.count !== MONTH_FLATTRS) throw new Error(`the split counts ${shares.count} flattrs, not ${MONTH_FLATTRS}`);
  }
  console.log(`the month's split computed afresh (settlement preview of one supporter, ${MONTH_FLATTRS} flattrs): ${median(cold).toFixed(1)} ms (median of 3, in this process)`);

  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  // BENCH_HUB_NODE_FLAGS: node flags for the hub (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to see where a view's time goes).
  const hubFlags = (process.env.BENCH_HUB_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...hubFlags, path.join(ROOT, 'bin/flattr.js'), 'start', '--role', 'api'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', DATABASE_URL: database.url!, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix,
      DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', PUBLIC_URL: base, LOG_LEVEL: 'warn',
    },
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  stopHub = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  for (const deadline = Date.now() + 60_000; ;) {
    if (child.exitCode !== null) throw new Error(`the hub exited ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`/healthz did not answer within 60 s:\n${output}`);
    if (await fetch(`${base}/healthz`).then((r) => r.ok, () => false)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const supporter = await signIn(db, base, 1);
  const creator = await signIn(db, base, 2);
  const earningsBuilt = (await fetch(`${base}/earnings`, { headers: { cookie: creator } })).status !== 404;

  const floor = await measure(base, '/healthz');
  const rows = [floor, await measure(base, '/', supporter), await measure(base, '/', supporter, { plain: true }), await measure(base, '/api/v1/month', supporter)];
  if (earningsBuilt) rows.push(await measure(base, '/earnings', creator));
  console.log(`${CONNECTIONS} connections, ${DURATION_S} s each, hub --role api on PostgreSQL; targets: p99 < ${TARGET_P99_MS} ms and ≥ ${TARGET_RATIO * 100}% of /healthz's rate`);
  for (const r of rows) {
    const ratio = r.rps / floor.rps;
    const missed = r !== floor && (r.p99 >= TARGET_P99_MS || ratio < TARGET_RATIO);
    console.log(`${r.path}: p50 ${r.p50} ms, p99 ${r.p99} ms, ${Math.round(r.rps)} requests/s, ${(r.bytes / 1024).toFixed(1)} KB an answer, ${(ratio * 100).toFixed(0)}% of /healthz`
      + `${r.non2xx || r.errors ? `, ${r.non2xx} non-2xx, ${r.errors} errors` : ''}${missed ? ' — MISSED' : ''}`);
  }
  if (!earningsBuilt) console.log('/earnings: not built (404)');
} finally {
  await stopHub?.();
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
  await deleteKeys([`${prefix}:*`]);
}
