import type { Queue } from 'bullmq';
import type { Db } from '../db/database.js';
import { noticeJobId, noticeKey } from './notice-key.js';
import { NOTIFY_JOB, SEND_ATTEMPTS, SEND_BACKOFF_MS, type SendJob } from './notify-jobs.js';

export type OpenNotice = { id: bigint; kind: string; period: string; target: string; part: number };

/**
 * Queues a send job per notice, its id derived from the notice's key: a
 * notice already queued (waiting, delayed, running, or kept as failed) is
 * not queued twice. `replaceFailed` first removes a kept failed job, so
 * `flattr notify` can try a retryable failure again.
 */
export type SendRetry = { attempts: number; backoffMs: number };

/**
 * Sends are queued with this priority, and a send that had to wait (pace,
 * the part before it, a 429, a lease) is given priority 0 before it is
 * delayed (workers/notify.worker.ts). BullMQ puts a delayed job that comes
 * due at the back of the waiting list, behind every notice of the month
 * queued at once, but serves priority 0 before any prioritized job: so a
 * notice goes when its turn comes (the next part of a digest one pace after
 * the last), not after the backlog.
 */
export const SEND_PRIORITY = 1;

export async function enqueueNoticeSends(queue: Queue, notices: OpenNotice[], o: { replaceFailed?: boolean; retry?: SendRetry } = {}): Promise<number> {
  const retry = o.retry ?? { attempts: SEND_ATTEMPTS, backoffMs: SEND_BACKOFF_MS };
  for (let i = 0; i < notices.length; i += 1_000) {
    const chunk = notices.slice(i, i + 1_000).map((n) => ({ id: n.id, jobId: noticeJobId(noticeKey(n)) }));
    if (o.replaceFailed) {
      for (const { jobId } of chunk) {
        const job = await queue.getJob(jobId);
        if (job && (await job.getState()) === 'failed') await job.remove().catch(() => undefined);
      }
    }
    await queue.addBulk(chunk.map(({ id, jobId }) => ({
      name: NOTIFY_JOB.send,
      data: { id: String(id) } satisfies SendJob,
      opts: {
        jobId, priority: SEND_PRIORITY, attempts: retry.attempts, backoff: { type: 'exponential', delay: retry.backoffMs },
        removeOnComplete: true, removeOnFail: { age: 30 * 24 * 3600 },
      },
    })));
  }
  return notices.length;
}

/** Notices still to send (pending, or a send whose sender may have died), oldest first; of one period, or all. */
export async function loadOpenNotices(db: Db, o: { period?: string; afterId?: bigint; limit?: number } = {}): Promise<OpenNotice[]> {
  return db.$queryRawUnsafe<OpenNotice[]>(
    `SELECT id, kind, trim(period) AS period, target, part FROM notifications
      WHERE status IN ('pending', 'sending') AND ($1::text IS NULL OR period = $1) AND id > $2
      ORDER BY id LIMIT $3`,
    o.period ?? null, o.afterId ?? 0n, o.limit ?? null,
  );
}

/** Rows read and jobs queued at a time: a month of 20,000 or 2 million notices is queued in the same memory. */
export const QUEUE_PAGE = 1_000;

/**
 * Queues every notice still to send, a page at a time (by id, so a notice
 * sent meanwhile is simply not read again): what the notify worker does at
 * start, every few minutes, and once a period is derived. Returns how many
 * were queued (or found queued already).
 */
export async function queueOpenNotices(db: Db, queue: Queue, o: { period?: string; retry?: SendRetry; pageSize?: number } = {}): Promise<number> {
  let queued = 0;
  for (let afterId = 0n; ;) {
    const page = await loadOpenNotices(db, { period: o.period, afterId, limit: o.pageSize ?? QUEUE_PAGE });
    if (page.length === 0) return queued;
    queued += await enqueueNoticeSends(queue, page, { retry: o.retry });
    afterId = page.at(-1)!.id;
  }
}

/**
 * Asks a notify worker to derive a settled period's notices and queue them:
 * the call for the settle orchestration to make right after a run is
 * committed. Once per period while the job exists; the catch-up derives
 * whatever this call never made it to (a crash in between).
 */
export async function enqueueNoticeDerivation(queue: Queue, period: string): Promise<void> {
  await queue.add(NOTIFY_JOB.derive, { period }, {
    jobId: `notices-derive-${period}`, attempts: 10, backoff: { type: 'exponential', delay: 10_000 },
    removeOnComplete: true, removeOnFail: { age: 30 * 24 * 3600 },
  });
}
