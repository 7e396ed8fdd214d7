import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importLikes } from '../../src/ingest/import-likes.js';
import { DATABASES, type TestDatabase } from '../support/database.js';
import { startIngest } from '../support/ingest-harness.js';
import { flattrs, likeEvent, supporter } from '../support/world.js';

const ndjson = (lines: string[]) => Readable.from(lines.map((l) => `${l}\n`));

/** `likes import` through the real queue and worker, on PostgreSQL and on PGlite. */
describe.each(Object.entries(DATABASES))('likes import on %s', (_kind, create) => {
  let database: TestDatabase;
  let ingest: Awaited<ReturnType<typeof startIngest>>;
  beforeAll(async () => {
    database = await create();
    ingest = await startIngest(database.prisma);
    await supporter(database.prisma, 'slack', 'T1:U1');
    await supporter(database.prisma, 'discord', 'D1', { enable: ['discord'] });
  });
  afterAll(async () => {
    await ingest?.close();
    await database?.drop();
  });

  it('counts accepted, duplicate, ignored by reason and invalid with line numbers, and commits every accepted line', async () => {
    const like = likeEvent();
    const withoutId = { ...likeEvent({ item: 'T1:C1:no-id' }), eventId: undefined };
    const lines = [
      JSON.stringify(like),
      JSON.stringify(like),
      JSON.stringify(likeEvent({ author: 'T1:U1', item: 'T1:C1:self' })),
      JSON.stringify(likeEvent({ liker: 'T1:U404', item: 'T1:C1:stranger' })),
      '',
      '{"platform": "slack", oops',
      JSON.stringify({ ...likeEvent(), platform: 'myspace' }),
      JSON.stringify({ ...likeEvent(), occurredAt: 'yesterday' }),
      JSON.stringify(withoutId),
      JSON.stringify(likeEvent({ platform: 'discord', liker: 'D1', author: 'D2', item: 'G1:C1:M1', community: 'G1', reaction: '⭐' })),
    ];
    const progress: number[] = [];
    const summary = await importLikes(ndjson(lines), {
      queue: ingest.queue, redis: ingest.redis, prefix: ingest.prefix, onProgress: (p) => progress.push(p.done),
    });
    expect(summary).toMatchObject({
      lines: 10, queued: 6, accepted: 3, duplicate: 1, invalid: 3, failed: 0,
      ignored: { self_like: 1, not_supporter: 1 },
    });
    expect(summary.invalidLines.map((l) => l.line)).toEqual([6, 7, 8]);
    expect(summary.invalidLines[1]!.reason).toMatch(/^platform: /);
    expect(summary.invalidLines[2]!.reason).toMatch(/^occurredAt: /);
    expect(progress.at(-1)).toBe(6);
    const items = (await flattrs(database.prisma)).map((f) => f.item).sort();
    expect(items).toEqual(['G1:C1:M1', 'T1:C1:1700000000.000100', 'T1:C1:no-id']);
  });

  it('imports the same file twice as all duplicates', async () => {
    const lines = [JSON.stringify(likeEvent({ item: 'T1:C9:again' })), JSON.stringify({ ...likeEvent({ item: 'T1:C9:derived' }), eventId: undefined })];
    const first = await importLikes(ndjson(lines), { queue: ingest.queue, redis: ingest.redis, prefix: ingest.prefix });
    const second = await importLikes(ndjson(lines), { queue: ingest.queue, redis: ingest.redis, prefix: ingest.prefix });
    expect([first.accepted, first.duplicate]).toEqual([2, 0]);
    expect([second.accepted, second.duplicate]).toEqual([0, 2]);
  });

  it('ingests 5,000 likes in batches and counts every one', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => JSON.stringify(likeEvent({ item: `T1:C2:${i}`, author: `T1:A${i % 50}` })));
    const summary = await importLikes(ndjson(lines), { queue: ingest.queue, redis: ingest.redis, prefix: ingest.prefix });
    expect(summary.accepted).toBe(5000);
    const [row] = await database.prisma.$queryRawUnsafe<{ n: number; creators: number }[]>(
      `SELECT count(*)::int AS n, count(DISTINCT recipient_identity_id)::int AS creators FROM flattrs WHERE item LIKE 'T1:C2:%'`,
    );
    expect(row).toEqual({ n: 5000, creators: 50 });
    const batches = await ingest.metrics.ingestBatchSize.get();
    const count = batches.values.find((v) => v.metricName === 'flattr_ingest_batch_size_count')!.value;
    expect(count).toBeLessThan(5000 / 5);
  });
});
