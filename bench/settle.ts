/**
 * Settlement benchmark (issue 4). `npx tsx bench/settle.ts`
 *   BENCH_BIG=1      also run 10,000,000 flattrs / 1,000,000 supporters
 *   BENCH_SCALE=0.001 shrink every size (a CI smoke in seconds)
 *   BENCH_PG_ADMIN_URL  PostgreSQL to create the scratch databases in
 * Each size gets a fresh random database filled by set-based SQL; then:
 *   (a) one plain GROUP BY supporter over the flattrs,
 *   (b) the whole split as one INSERT … SELECT into a scratch table (the store's own limit),
 *   (c) a naive per-supporter ORM loop on a sample (rolled back), extrapolated,
 *   ours: the real settlement (ledger, shares, resumable batches) in a child process, with its peak RSS.
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
import { runSettlement } from '../src/settlement/run-settlement.js';
import { generateSettleWorld } from './settle-data.js';

const ADMIN_URL = process.env.BENCH_PG_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const PERIOD = '2026-10';
const FEE_BPS = 1000;
const BATCH_SIZE = Number(process.env.BENCH_BATCH_SIZE ?? 2000);
const LANES = Number(process.env.BENCH_LANES ?? 2);
const NOW = new Date('2026-12-01T00:00:00Z');
const SAMPLE = Number(process.env.BENCH_SAMPLE ?? 300);

type Figures = { flattrs: number; supporters: number; groupByMs: number; insertSelectMs: number; ormSampleMs: number; ormSample: number; oursMs: number; oursMaxRssMb: number };

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
  console.log('\nsettlement bench (times in seconds, RSS in MB)');
  console.log('flattrs     supporters  (a) GROUP BY  (b) INSERT…SELECT  ours    ours RSS  (c) ORM loop (extrapolated)  ours/(b)  ours/(a)  (c)/ours');
  for (const r of results) {
    const orm = (r.ormSampleMs / r.ormSample) * r.supporters;
    console.log([
      String(r.flattrs).padEnd(11), String(r.supporters).padEnd(11), sec(r.groupByMs).padEnd(13), sec(r.insertSelectMs).padEnd(18),
      sec(r.oursMs).padEnd(7), String(r.oursMaxRssMb).padEnd(9), `${sec(orm)} (sample ${r.ormSample})`.padEnd(28),
      (r.oursMs / r.insertSelectMs).toFixed(2).padEnd(9), (r.oursMs / r.groupByMs).toFixed(2).padEnd(9), (orm / r.oursMs).toFixed(1),
    ].join(' '));
  }
}

async function benchSize(flattrs: number, supporters: number): Promise<Figures> {
  const name = `flattr_bench_${randomBytes(5).toString('hex')}`;
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const dbUrl = url.toString();
  const database = await openDatabase({ url: dbUrl, pgliteDir: '' });
  try {
    await migrate(database.prisma);
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    try {
      let t = Date.now();
      await generateSettleWorld(client, flattrs, supporters, PERIOD);
      log(`${flattrs} flattrs / ${supporters} supporters generated in ${sec(Date.now() - t)} s`);

      // Each timed step starts after a checkpoint, so none of them pays for the WAL of the one before.
      await checkpoint(client);
      t = Date.now();
      await client.query(`SELECT count(*) FROM (SELECT supporter_id, count(*) FROM flattrs WHERE period = $1 GROUP BY supporter_id) g`, [PERIOD]);
      const groupByMs = Date.now() - t;
      log(`(a) GROUP BY supporter: ${sec(groupByMs)} s`);

      await client.query(`CREATE UNLOGGED TABLE scratch_shares (flattr_id bigint, supporter_id int, amount bigint)`);
      await checkpoint(client);
      t = Date.now();
      await client.query(
        `INSERT INTO scratch_shares
         SELECT f.id, f.supporter_id,
                (b.d / count(*) OVER w) + CASE WHEN row_number() OVER (w ORDER BY md5(f.supporter_id::text || ':' || $1::text || ':' || f.id::text) COLLATE "C", f.id) <= b.d % count(*) OVER w THEN 1 ELSE 0 END
           FROM flattrs f JOIN (SELECT user_id, budget_minor - budget_minor * $2 / 10000 AS d FROM supporter_settings) b ON b.user_id = f.supporter_id
          WHERE f.period = $1 AND f.status = 'active'
         WINDOW w AS (PARTITION BY f.supporter_id)`, [PERIOD, FEE_BPS]);
      const insertSelectMs = Date.now() - t;
      log(`(b) one INSERT … SELECT split: ${sec(insertSelectMs)} s`);
      await client.query(`DROP TABLE scratch_shares`);

      const sample = Math.min(SAMPLE, Math.max(10, Math.floor(supporters / 10)));
      t = Date.now();
      await naiveOrmLoop(database.prisma, sample);
      const ormSampleMs = Date.now() - t;
      log(`(c) naive ORM loop: ${sample} supporters in ${sec(ormSampleMs)} s`);
      await client.query(`VACUUM ANALYZE`);
      await checkpoint(client);

      const ours = await settleInChild(dbUrl);
      log(`ours: ${sec(ours.ms)} s, peak RSS ${ours.maxRssMb} MB`);
      const [{ settled, expected }] = (await client.query(
        `SELECT (SELECT count(*)::int FROM supporter_settlements WHERE period = $1) AS settled,
                (SELECT count(DISTINCT supporter_id)::int FROM flattrs WHERE period = $1 AND status = 'active') AS expected`, [PERIOD])).rows;
      if (settled !== expected) throw new Error(`expected ${expected} settled supporters, found ${settled}`);
      return { flattrs, supporters, groupByMs, insertSelectMs, ormSampleMs, ormSample: sample, oursMs: ours.ms, oursMaxRssMb: ours.maxRssMb };
    } finally {
      await client.end();
    }
  } finally {
    await database.close();
    await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

/** (c): what a straightforward ORM implementation does per supporter, in a transaction rolled back at the end. */
async function naiveOrmLoop(prisma: Awaited<ReturnType<typeof openDatabase>>['prisma'], sample: number): Promise<void> {
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
async function settleInChild(dbUrl: string): Promise<{ ms: number; maxRssMb: number }> {
  const script = fileURLToPath(import.meta.url);
  const proc = spawn(process.execPath, [...process.execArgv, script, 'child', dbUrl], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  proc.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
  if (code !== 0) throw new Error(`settlement child exited with ${code}`);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { ms: number; maxRssMb: number };
}

async function child(dbUrl: string): Promise<void> {
  const database = await openDatabase({ url: dbUrl, pgliteDir: '', poolSize: LANES + 1 });
  try {
    // (a) and (b) run on a connected client; so does ours: the pool's connections
    // are opened and the client's first query (about 0.1 s) is paid before timing.
    await Promise.all(Array.from({ length: LANES + 1 }, () => database.prisma.$transaction((tx) => tx.$queryRawUnsafe('SELECT 1'))));
    const t = Date.now();
    await runSettlement(database.prisma, PERIOD, { feeBps: FEE_BPS, policy: 'keep', batchSize: BATCH_SIZE, timeZone: 'UTC', graceMinutes: 60 }, {}, NOW, { lanes: LANES });
    const ms = Date.now() - t;
    process.stdout.write(`${JSON.stringify({ ms, maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
  } finally {
    await database.close();
  }
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
