/**
 * Settlement benchmark (issue 4). `npx tsx bench/settle.ts`
 *   BENCH_BIG=1      also run 10,000,000 flattrs / 1,000,000 supporters
 *   BENCH_SCALE=0.001 shrink every size (a CI smoke in seconds)
 *   BENCH_RUNS=3     rounds per size (medians are reported)
 *   BENCH_PG_ADMIN_URL  PostgreSQL to create the scratch databases in
 * Each size gets a fresh random database filled by set-based SQL. Each round
 * runs on its own copy of it, one step after the other:
 *   (a) one plain GROUP BY supporter over the flattrs,
 *   (b) the whole split as one INSERT … SELECT into a scratch table (the store's own limit),
 *   (c) a naive per-supporter ORM loop on a sample (rolled back), extrapolated (first round only),
 *   ours: the real settlement (ledger, shares, resumable batches) in a child process, with its peak RSS:
 *         the production path, the settle worker on Redis with BENCH_CONCURRENCY batches at once (default 2),
 *         timed from queuing the period's job to its completion; the ledger self-check that follows
 *         every run is timed apart.
 * A shared 2-core machine swings ±20% from one minute to the next, so one
 * (b) next to one ours says little: rounds pair them, and the medians and
 * each round's ratio are printed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDatabase } from '../src/db/database.js';
import { migrate } from '../src/db/migrate.js';
import { splitBudget } from '../src/domain/split.js';
import { ensureAccounts } from '../src/ledger/accounts.js';
import { postTransfer } from '../src/ledger/post-transfer.js';
import { Queue } from 'bullmq';
import { QUEUES } from '../src/queues.js';
import { enqueueSettlement } from '../src/settlement/enqueue-settlement.js';
import { waitForSettlement } from '../src/settlement/wait-for-settlement.js';
import { createLogger } from '../src/support/logger.js';
import { TEST_REDIS_URL } from '../test/support/env.js';
import { randomQueuePrefix } from '../test/support/queue.js';
import { createSettleWorker } from '../workers/settle.worker.js';
import { generateSettleWorld } from './settle-data.js';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const PERIOD = '2026-10';
const FEE_BPS = 1000;
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const NOW = new Date('2026-12-01T00:00:00Z');
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 300);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

type Round = { groupByMs: number; insertSelectMs: number; oursMs: number; oursMaxRssMb: number; selfCheckMs: number };
type Figures = { flattrs: number; supporters: number; rounds: Round[]; ormSampleMs: number; ormSample: number };

if (process.argv[2] === 'child') {
  await child(process.argv[3]!);
} else {
  await main();
}

async function main(): Promise<void> {
  const scale = Number(process.env.BENCH_SCALE ?? 1);
  const sizes = [[1_000_000, 100_000]];
  if (process.env.BENCH_BIG === '1') sizes.push([10_000_000, 1_000_000]);
  const results: Figures[] = [];
  for (const [f, s] of sizes) results.push(await benchSize(Math.max(10, Math.round(f! * scale)), Math.max(1, Math.round(s! * scale))));
  console.log(`\nsettlement bench (times in seconds, RSS in MB; medians of ${RUNS} round${RUNS === 1 ? '' : 's'}, RSS the largest)`);
  console.log('flattrs     supporters  (a) GROUP BY  (b) INSERT…SELECT  ours    ours RSS  (c) ORM loop (extrapolated)  ours/(b)  ours/(a)  (c)/ours  ours/(b) by round');
  for (const r of results) {
    const orm = (r.ormSampleMs / r.ormSample) * r.supporters;
    const a = median(r.rounds.map((x) => x.groupByMs)), b = median(r.rounds.map((x) => x.insertSelectMs)), ours = median(r.rounds.map((x) => x.oursMs));
    console.log([
      String(r.flattrs).padEnd(11), String(r.supporters).padEnd(11), sec(a).padEnd(13), sec(b).padEnd(18),
      sec(ours).padEnd(7), String(Math.max(...r.rounds.map((x) => x.oursMaxRssMb))).padEnd(9), `${sec(orm)} (sample ${r.ormSample})`.padEnd(28),
      (ours / b).toFixed(2).padEnd(9), (ours / a).toFixed(2).padEnd(9), (orm / ours).toFixed(1).padEnd(9),
      r.rounds.map((x) => (x.oursMs / x.insertSelectMs).toFixed(2)).join(' '),
    ].join(' '));
  }
}

async function benchSize(flattrs: number, supporters: number): Promise<Figures> {
  const world = `flattr_bench_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${world}`);
  try {
    await withClient(world, async (client) => {
      const database = await openDatabase({ url: urlOf(world), pgliteDir: '' });
      try { await migrate(database.prisma); } finally { await database.close(); }
      const t = performance.now();
      await generateSettleWorld(client, flattrs, supporters, PERIOD);
      log(`${flattrs} flattrs / ${supporters} supporters generated in ${sec(performance.now() - t)} s`);
    });
    const rounds: Round[] = [];
    let orm = { ms: 0, sample: 0 };
    for (let round = 0; round < RUNS; round++) {
      const copy = `${world}_${round}`;
      await copyDatabase(world, copy);
      try {
        // (c) is slow and steady: the first round times it, the others skip it.
        const timeOrm = round === 0 ? async (prisma: Prisma) => { orm = await timeOrmLoop(prisma, supporters); } : undefined;
        rounds.push(await benchRound(copy, round, timeOrm));
      } finally {
        await admin(`DROP DATABASE IF EXISTS ${copy} WITH (FORCE)`);
      }
    }
    return { flattrs, supporters, rounds, ormSampleMs: orm.ms, ormSample: orm.sample };
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${world} WITH (FORCE)`);
  }
}

/** (a), (b), then (c) when asked, then ours, on one copy of the world. */
async function benchRound(name: string, round: number, timeOrm?: (prisma: Prisma) => Promise<void>): Promise<Round> {
  return withClient(name, async (client) => {
    // The copy is cold: read the flattrs once, untimed, as generating them left them warm for every step before.
    await client.query(`SELECT count(*) FROM flattrs`);
    // Each timed step starts after a checkpoint, so none of them pays for the WAL of the one before.
    await checkpoint(client);
    let t = performance.now();
    await client.query(`SELECT count(*) FROM (SELECT supporter_id, count(*) FROM flattrs WHERE period = $1 GROUP BY supporter_id) g`, [PERIOD]);
    const groupByMs = performance.now() - t;
    log(`round ${round + 1}: (a) GROUP BY supporter: ${sec(groupByMs)} s`);

    await client.query(`CREATE UNLOGGED TABLE scratch_shares (flattr_id bigint, supporter_id int, amount bigint)`);
    await checkpoint(client);
    t = performance.now();
    await client.query(
      `INSERT INTO scratch_shares
       SELECT f.id, f.supporter_id,
              (b.d / count(*) OVER w) + CASE WHEN row_number() OVER (w ORDER BY md5(f.supporter_id::text || ':' || $1::text || ':' || f.id::text) COLLATE "C", f.id) <= b.d % count(*) OVER w THEN 1 ELSE 0 END
         FROM flattrs f JOIN (SELECT user_id, budget_minor - budget_minor * $2 / 10000 AS d FROM supporter_settings) b ON b.user_id = f.supporter_id
        WHERE f.period = $1 AND f.status = 'active'
       WINDOW w AS (PARTITION BY f.supporter_id)`, [PERIOD, FEE_BPS]);
    const insertSelectMs = performance.now() - t;
    log(`round ${round + 1}: (b) one INSERT … SELECT split: ${sec(insertSelectMs)} s`);
    await client.query(`DROP TABLE scratch_shares`);

    if (timeOrm) {
      const database = await openDatabase({ url: urlOf(name), pgliteDir: '' });
      try { await timeOrm(database.prisma); } finally { await database.close(); }
    }
    await client.query(`VACUUM ANALYZE`);
    await checkpoint(client);

    const ours = await settleInChild(urlOf(name));
    log(`round ${round + 1}: ours: ${sec(ours.ms)} s, peak RSS ${ours.maxRssMb} MB (${(ours.ms / insertSelectMs).toFixed(2)} × (b)); then the ledger self-check: ${sec(ours.selfCheckMs)} s`);
    const [{ settled, expected }] = (await client.query(
      `SELECT (SELECT count(*)::int FROM supporter_settlements WHERE period = $1) AS settled,
              (SELECT count(DISTINCT supporter_id)::int FROM flattrs WHERE period = $1 AND status = 'active') AS expected`, [PERIOD])).rows;
    if (settled !== expected) throw new Error(`expected ${expected} settled supporters, found ${settled}`);
    return { groupByMs, insertSelectMs, oursMs: ours.ms, oursMaxRssMb: ours.maxRssMb, selfCheckMs: ours.selfCheckMs };
  });
}

type Prisma = Awaited<ReturnType<typeof openDatabase>>['prisma'];

async function timeOrmLoop(prisma: Prisma, supporters: number): Promise<{ ms: number; sample: number }> {
  const sample = Math.min(SAMPLE, Math.max(10, Math.floor(supporters / 10)));
  const t = performance.now();
  await naiveOrmLoop(prisma, sample);
  const ms = performance.now() - t;
  log(`(c) naive ORM loop: ${sample} supporters in ${sec(ms)} s`);
  return { ms, sample };
}

/** (c): what a straightforward ORM implementation does per supporter, in a transaction rolled back at the end. */
async function naiveOrmLoop(prisma: Prisma, sample: number): Promise<void> {
  class Rollback extends Error {}
  const settings = await prisma.supporterSettings.findMany({ take: sample, orderBy: { userId: 'asc' } });
  for (const s of settings) {
    await prisma.$transaction(async (tx) => {
      const user = await tx.user.findUniqueOrThrow({ where: { id: s.userId } });
      const flattrs = await tx.flattr.findMany({ where: { supporterId: s.userId, period: PERIOD, status: 'active' } });
      const [wallet] = await ensureAccounts(tx, [{ kind: 'wallet', userId: s.userId, currency: user.currency }]);
      const entries = await tx.entry.findMany({ where: { accountId: wallet! } });
      const balance = entries.reduce((sum, e) => sum + e.amount, 0n);
      const split = splitBudget({ supporterId: s.userId, period: PERIOD, budget: s.budgetMinor, wallet: balance, feeBps: FEE_BPS, policy: 'keep',
        flattrs: flattrs.map((f) => ({ id: f.id, recipientIdentityId: f.recipientIdentityId })) });
      const credits = [];
      const claimed = new Map<number, boolean>();
      for (const [identityId, amount] of split.credits) {
        const identity = await tx.identity.findUniqueOrThrow({ where: { id: identityId } });
        claimed.set(identityId, identity.userId !== null);
        const [account] = await ensureAccounts(tx, [identity.userId ? { kind: 'creator', userId: identity.userId, currency: user.currency } : { kind: 'escrow', identityId, currency: user.currency }]);
        credits.push({ accountId: account!, currency: user.currency, amount, payerUserId: identity.userId ? null : s.userId });
      }
      const [fees] = await ensureAccounts(tx, [{ kind: 'fees', currency: user.currency }]);
      await postTransfer(tx, { kind: 'settlement', idempotencyKey: `naive:${PERIOD}:${s.userId}`, period: PERIOD, entries: [
        { accountId: wallet!, currency: user.currency, amount: -split.charged }, { accountId: fees!, currency: user.currency, amount: split.fee }, ...credits,
      ] });
      const shares = [...split.shares].sort((a, b) => (a.flattrId < b.flattrId ? -1 : 1));
      await tx.supporterSettlement.create({ data: { supporterId: s.userId, period: PERIOD, currency: user.currency, budget: s.budgetMinor, charged: split.charged, fee: split.fee, flattrs: flattrs.length,
        flattrIds: shares.map((x) => x.flattrId), shares: shares.map((x) => x.amount), escrowed: shares.map((x) => !claimed.get(x.recipientIdentityId)) } });
      throw new Rollback();
    }, { timeout: 60_000 }).catch((error: unknown) => { if (!(error instanceof Rollback)) throw error; });
  }
}

/** Ours runs in its own process so its peak RSS is its own. */
async function settleInChild(dbUrl: string): Promise<{ ms: number; maxRssMb: number; selfCheckMs: number }> {
  const script = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, [...process.execArgv, script, 'child', dbUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  proc.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
  if (code !== 0) throw new Error(`settlement child exited with ${code}`);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { ms: number; maxRssMb: number; selfCheckMs: number };
}

async function child(dbUrl: string): Promise<void> {
  // A batch per worker slot, plus the connection that opens beside the snapshot (concurrentOpen).
  const database = await openDatabase({ url: dbUrl, pgliteDir: '', poolSize: CONCURRENCY + 1 });
  const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };
  const prefix = randomQueuePrefix();
  const queue = new Queue(QUEUES.settle, { connection, prefix });
  const settle = createSettleWorker({
    db: database.prisma, connection, prefix, concurrency: CONCURRENCY, concurrentOpen: true, logger: createLogger('warn'), now: () => NOW,
    settings: { feeBps: FEE_BPS, policy: 'keep', batchSize: BATCH_SIZE, timeZone: 'UTC', graceMinutes: 60 },
  });
  try {
    // (a) and (b) run on a connected client; so does ours: the pool's connections
    // are opened, the client's first query (about 0.1 s) and Redis's connections paid before timing.
    await Promise.all(Array.from({ length: CONCURRENCY + 1 }, () => database.prisma.$transaction((tx) => tx.$queryRawUnsafe('SELECT 1'))));
    await Promise.all([queue.waitUntilReady(), settle.worker.waitUntilReady()]);
    const t = performance.now();
    const { job } = await enqueueSettlement(queue, PERIOD);
    await waitForSettlement(queue, PERIOD, job.id!, { intervalMs: 5, selfCheck: false });
    const ms = performance.now() - t;
    const check = await waitForSettlement(queue, PERIOD, job.id!, { intervalMs: 5 });
    if (!check.selfCheck?.ok) throw new Error(`the ledger self-check after the run failed: ${JSON.stringify(check.selfCheck)}`);
    const selfCheckMs = performance.now() - t - ms;
    process.stdout.write(`${JSON.stringify({ ms, selfCheckMs, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
  } finally {
    await settle.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await database.close();
  }
}

/** A copy of a database, file by file when it is large (much faster than the WAL-logged default of PostgreSQL 15 for a large one). */
async function copyDatabase(from: string, to: string): Promise<void> {
  // Below this a WAL-logged copy is quicker: FILE_COPY waits for two checkpoints whatever the size (seconds on a busy machine).
  const FILE_COPY_FROM_BYTES = 64n * 1024n * 1024n;
  const size = await withClient(from, async (client) => BigInt((await client.query<{ size: string }>('SELECT pg_database_size(current_database())::text AS size')).rows[0]!.size));
  if (size < FILE_COPY_FROM_BYTES) return admin(`CREATE DATABASE ${to} TEMPLATE ${from}`);
  await admin(`CREATE DATABASE ${to} TEMPLATE ${from} STRATEGY FILE_COPY`).catch(async (error: unknown) => {
    // Before PostgreSQL 15 there is no STRATEGY, and FILE_COPY is what it does anyway.
    if (!String(error).includes('strategy')) throw error;
    await admin(`CREATE DATABASE ${to} TEMPLATE ${from}`);
  });
}

async function withClient<T>(name: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: urlOf(name) });
  await client.connect();
  try { return await use(client); } finally { await client.end(); }
}

function urlOf(name: string): string {
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try { await client.query(sql); } finally { await client.end(); }
}

/** A checkpoint (superuser only; elsewhere the step just starts as it is). */
async function checkpoint(client: pg.Client): Promise<void> {
  await client.query('CHECKPOINT').catch(() => undefined);
}

function sec(ms: number): string { return (ms / 1000).toFixed(2); }
function log(line: string): void { process.stderr.write(`${line}\n`); }
