import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueOpenNotices } from '../../src/notices/enqueue-notices.js';
import { noticeJobId, noticeKey } from '../../src/notices/notice-key.js';
import { QUEUES } from '../../src/queues.js';
import { createPostgresDatabase, type TestDatabase } from '../support/database.js';
import { TEST_REDIS_URL } from '../support/env.js';
import { randomQueuePrefix } from '../support/queue.js';

/**
 * The notify worker queues a month's notices a page at a time, so a month of
 * two million costs the memory of one page: every open notice is queued once,
 * whatever the page size, and none that is sent, failed or of another period.
 */
describe('queueing open notices page by page', () => {
  let database: TestDatabase;
  let queue: Queue;
  beforeAll(async () => {
    database = await createPostgresDatabase();
    queue = new Queue(QUEUES.notify, { connection: { url: TEST_REDIS_URL, maxRetriesPerRequest: null }, prefix: randomQueuePrefix() });
    // 23 statements of 2026-10: every fifth already sent, every seventh failed; 4 of 2026-09 still pending.
    await database.prisma.$executeRawUnsafe(
      `INSERT INTO notifications (kind, period, target, platform, payload, status)
       SELECT 'statement', '2026-10', 'user:' || i, 'discord', '{}',
              CASE WHEN i % 5 = 0 THEN 'sent' WHEN i % 7 = 0 THEN 'failed' WHEN i % 11 = 0 THEN 'sending' ELSE 'pending' END
         FROM generate_series(1, 23) i
       UNION ALL SELECT 'statement', '2026-09', 'user:' || i, 'discord', '{}', 'pending' FROM generate_series(1, 4) i`);
  });
  afterAll(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
    await database?.drop();
  });

  const openIds = async (period: string) => (await database.prisma.$queryRawUnsafe<{ kind: string; period: string; target: string; part: number }[]>(
    `SELECT kind, trim(period) AS period, target, part FROM notifications WHERE period = $1 AND status IN ('pending', 'sending') ORDER BY id`, period,
  )).map((n) => noticeJobId(noticeKey(n))).sort();

  it('queues every pending or sending notice of the period once, across pages of 4, and nothing else', async () => {
    expect(await queueOpenNotices(database.prisma, queue, { period: '2026-10', pageSize: 4 })).toBe(16);
    const jobs = await queue.getJobs(['prioritized', 'waiting']);
    expect(jobs.map((j) => j.id).sort()).toEqual(await openIds('2026-10'));
    // Again, with another page size: the same jobs, none twice.
    await queueOpenNotices(database.prisma, queue, { period: '2026-10', pageSize: 3 });
    expect(await queue.getJobCounts('prioritized', 'waiting')).toMatchObject({ prioritized: 16 });
  });

  it('without a period, queues every period\'s open notices', async () => {
    expect(await queueOpenNotices(database.prisma, queue, { pageSize: 5 })).toBe(20);
    const jobs = await queue.getJobs(['prioritized', 'waiting']);
    expect(jobs.map((j) => j.id).sort()).toEqual([...(await openIds('2026-10')), ...(await openIds('2026-09'))].sort());
  });
});
