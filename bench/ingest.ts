/**
 * bench/ingest: likes/s end to end (NDJSON in → flattr rows committed) next to
 * raw BullMQ throughput on the same Redis, and the live path's latency.
 *
 *   npx tsx bench/ingest.ts            # 100,000 likes, 30 s live at 1,000/s
 *   BENCH_SCALE=0.01 npx tsx bench/ingest.ts   # a smoke run in seconds
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUES } from '../src/queues.js';
import { importLikes } from '../src/ingest/import-likes.js';
import { enqueueLike } from '../src/ingest/enqueue-like.js';
import { setSupporter } from '../src/supporters/set-supporter.js';
import { createPostgresDatabase, type TestDatabase } from '../test/support/database.js';
import { startIngest } from '../test/support/ingest-harness.js';
import { TEST_REDIS_URL } from '../test/support/env.js';
import { randomQueuePrefix } from '../test/support/queue.js';
import type { LikeEvent } from '../src/domain/like-event.js';

const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const LIKES = Math.max(1000, Math.round(100_000 * SCALE));
const LIVE_SECONDS = Math.max(2, Math.round(30 * SCALE));
const LIVE_RATE = 1000;
const SUPPORTERS = Math.max(20, Math.round(1000 * Math.min(1, SCALE * 10)));
const CONCURRENCY = Number(process.env.INGEST_CONCURRENCY ?? '2000');
const BATCH = Number(process.env.INGEST_BATCH_SIZE ?? '1000');
const IN_FLIGHT = Number(process.env.INGEST_BATCHES_IN_FLIGHT ?? '4');

const connection = { url: TEST_REDIS_URL, maxRetriesPerRequest: null };

function syntheticLike(i: number, at: Date): LikeEvent {
  return {
    platform: 'slack', eventId: `bench-${i}`, action: 'like', liker: `T1:S${i % SUPPORTERS}`, author: `T1:C${(i * 7919) % 10_000}`,
    item: `T1:CH1:${i}`, community: 'T1', reaction: 'star', occurredAt: at.toISOString(),
  };
}

async function seedSupporters(db: TestDatabase): Promise<void> {
  for (let i = 0; i < SUPPORTERS; i++) {
    await setSupporter(db.prisma, { platform: 'slack', externalId: `T1:S${i}`, budget: '35.00', enable: ['slack'] });
  }
}

async function endToEnd(db: TestDatabase): Promise<number> {
  const ingest = await startIngest(db.prisma, { concurrency: CONCURRENCY, batchSize: BATCH, batchesInFlight: IN_FLIGHT });
  const { queue, redis, prefix } = ingest;
  const at = new Date();
  const lines = Readable.from((function* () {
    for (let i = 0; i < LIKES; i++) yield `${JSON.stringify(syntheticLike(i, at))}\n`;
  })());
  const started = performance.now();
  const summary = await importLikes(lines, { queue, redis, prefix });
  const seconds = (performance.now() - started) / 1000;
  const [row] = await db.prisma.$queryRawUnsafe<{ n: number }[]>(`SELECT count(*)::int AS n FROM flattrs`);
  if (summary.accepted !== LIKES || row!.n !== LIKES) throw new Error(`expected ${LIKES} flattrs, got ${summary.accepted} accepted / ${row!.n} rows`);
  await ingest.close();
  return LIKES / seconds;
}

/**
 * The same import with a running hub: `flattr start --role worker` in its own
 * process consumes the queue, and this process only reads and enqueues (the
 * CLI's path when a hub is up). It shows what a second core buys.
 */
async function endToEndWithHub(db: TestDatabase): Promise<number> {
  const prefix = randomQueuePrefix();
  const hub = spawn(process.execPath, ['bin/flattr.js', 'start', '--role', 'worker'], {
    env: { ...process.env, DATA_DIR: mkdtempSync(path.join(tmpdir(), 'flattr-bench-')), DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', INGEST_CONCURRENCY: String(CONCURRENCY), INGEST_BATCH_SIZE: String(BATCH) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const queue = new Queue(QUEUES.likes, { connection, prefix });
  const redis = new Redis(TEST_REDIS_URL);
  try {
    while ((await queue.getWorkersCount()) === 0) await new Promise((r) => setTimeout(r, 100));
    const at = new Date();
    const lines = Readable.from((function* () {
      for (let i = 0; i < LIKES; i++) yield `${JSON.stringify(syntheticLike(LIKES * 10 + i, at))}\n`;
    })());
    const started = performance.now();
    const summary = await importLikes(lines, { queue, redis, prefix });
    const seconds = (performance.now() - started) / 1000;
    if (summary.accepted !== LIKES) throw new Error(`expected ${LIKES} accepted, got ${summary.accepted}`);
    return LIKES / seconds;
  } finally {
    hub.kill('SIGTERM');
    await new Promise((r) => hub.once('exit', r));
    await queue.obliterate({ force: true });
    await queue.close();
    redis.disconnect();
  }
}

async function rawBullmq(concurrency: number): Promise<number> {
  const prefix = randomQueuePrefix();
  const queue = new Queue('raw', { connection, prefix });
  let done = 0;
  let resolveAll: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const worker = new Worker('raw', async () => {}, { connection, prefix, concurrency, removeOnComplete: { count: 1000 } });
  worker.on('completed', () => { if (++done === LIKES) resolveAll(); });
  await worker.waitUntilReady();
  const at = new Date();
  const started = performance.now();
  for (let i = 0; i < LIKES; i += 1000) {
    const jobs = [];
    for (let j = i; j < Math.min(LIKES, i + 1000); j++) jobs.push({ name: 'like', data: { event: syntheticLike(j, at) }, opts: { jobId: `raw-${j}` } });
    await queue.addBulk(jobs);
  }
  await all;
  const rate = LIKES / ((performance.now() - started) / 1000);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return rate;
}

async function live(db: TestDatabase): Promise<{ p50: number; p99: number; max: number; sent: number }> {
  const ingest = await startIngest(db.prisma, { concurrency: CONCURRENCY, batchSize: BATCH, batchesInFlight: IN_FLIGHT });
  const { queue } = ingest;
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  ingest.worker.on('completed', (job) => {
    const t = sentAt.get(job.data.event.eventId);
    if (t !== undefined) latencies.push(performance.now() - t);
  });
  const total = LIVE_RATE * LIVE_SECONDS;
  const started = performance.now();
  const base = LIKES + 1;
  for (let i = 0; i < total; i++) {
    // Steady rate: wait for this like's slot on the schedule, then enqueue it alone.
    const due = started + (i * 1000) / LIVE_RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const event = syntheticLike(base + i, new Date());
    sentAt.set(event.eventId, performance.now());
    void enqueueLike(queue, event);
  }
  while (latencies.length < total) await new Promise((r) => setTimeout(r, 20));
  await ingest.close();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { p50: q(0.5), p99: q(0.99), max: latencies.at(-1)!, sent: total };
}

async function main(): Promise<void> {
  const db = await createPostgresDatabase();
  try {
    await seedSupporters(db);
    console.log(`bench/ingest: ${LIKES.toLocaleString('en')} likes, ${SUPPORTERS} supporters, ingest concurrency ${CONCURRENCY}, batch ${BATCH}`);
    const e2e = await endToEnd(db);
    console.log(`end to end (NDJSON → committed flattrs): ${Math.round(e2e).toLocaleString('en')} likes/s`);
    const withHub = await endToEndWithHub(db);
    console.log(`end to end with a running hub (import here, 'flattr start --role worker' in its own process): ${Math.round(withHub).toLocaleString('en')} likes/s`);
    if (process.env.BENCH_ONLY === 'e2e') return;
    let best = { concurrency: 0, rate: 0 };
    for (const concurrency of [50, 200, 500, 1000]) {
      const rate = await rawBullmq(concurrency);
      console.log(`raw BullMQ (addBulk + no-op worker, concurrency ${concurrency}): ${Math.round(rate).toLocaleString('en')} jobs/s`);
      if (rate > best.rate) best = { concurrency, rate };
    }
    console.log(`ratio end-to-end / best raw (concurrency ${best.concurrency}): ${(e2e / best.rate).toFixed(2)} in one process, ${(withHub / best.rate).toFixed(2)} with a running hub (target ≥ 0.5)`);
    const l = await live(db);
    console.log(`live: ${l.sent.toLocaleString('en')} likes at ${LIVE_RATE}/s for ${LIVE_SECONDS} s, enqueue → committed: p50 ${Math.round(l.p50)} ms, p99 ${Math.round(l.p99)} ms, max ${Math.round(l.max)} ms (target p99 < 1000 ms)`);
  } finally {
    await db.drop();
  }
}

await main();
process.exit(0);
