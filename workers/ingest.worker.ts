import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { z } from 'zod';
import type { Db } from '../src/db/database.js';
import { describeZodError, likeEventSchema, type LikeEvent } from '../src/domain/like-event.js';
import { recordLikes } from '../src/ingest/record-likes.js';
import { outcomeLabel, type LikeOutcome } from '../src/ingest/outcome.js';
import { recordImportOutcomes } from '../src/ingest/import-progress.js';
import { QUEUES } from '../src/queues.js';
import type { Logger } from '../src/support/logger.js';
import type { Metrics } from '../src/support/metrics.js';
import { MicroBatcher } from '../src/support/micro-batcher.js';
import type { Redis } from 'ioredis';

export const likeJobSchema = z.object({ event: likeEventSchema, importId: z.string().min(1).max(64).optional() });
export type LikeJob = z.infer<typeof likeJobSchema>;

export type IngestWorkerDeps = {
  db: Db;
  connection: ConnectionOptions;
  /** A plain (non-blocking) client for progress counters. */
  redis: Redis;
  prefix: string;
  timeZone: string;
  concurrency: number;
  batchSize: number;
  /** Batches committing at once; they never conflict (flattr keys are advisory-locked). */
  batchesInFlight?: number;
  logger: Logger;
  metrics: Metrics;
  /** The hub's clock (money rule 2 reads the current period from it). */
  now?: () => Date;
};

/**
 * Consumes `likes`: each job is one LikeEvent; jobs are gathered into batches
 * and recorded with one transaction per batch. A batch that fails is retried
 * one event at a time, so a single poisonous event fails alone.
 */
export function createIngestWorker(deps: IngestWorkerDeps): { worker: Worker<LikeJob, string>; close(): Promise<void> } {
  const { db, logger, metrics } = deps;
  const record = async (jobs: Job<LikeJob>[]): Promise<(LikeOutcome | Error)[]> => {
    const events = jobs.map((j) => j.data.event);
    const stop = metrics.ingestBatch.startTimer();
    let outcomes: (LikeOutcome | Error)[];
    try {
      outcomes = await recordLikes(db, events, { timeZone: deps.timeZone, now: deps.now });
    } catch (error) {
      if (events.length === 1) throw error;
      logger.warn({ err: error, size: events.length }, 'ingest batch failed; retrying its events one by one');
      outcomes = await isolate(events);
    }
    stop();
    metrics.ingestBatchSize.observe(events.length);
    countOutcomes(jobs, outcomes);
    await recordImportOutcomes(deps.redis, deps.prefix, jobs.flatMap((j, i) => {
      const o = outcomes[i]!;
      return j.data.importId && !(o instanceof Error) ? [{ importId: j.data.importId, label: outcomeLabel(o) }] : [];
    }));
    return outcomes;
  };
  const isolate = async (events: LikeEvent[]): Promise<(LikeOutcome | Error)[]> => {
    const results: (LikeOutcome | Error)[] = [];
    for (const event of events) {
      results.push(await recordLikes(db, [event], { timeZone: deps.timeZone, now: deps.now }).then((o) => o[0]!, (e: unknown) => e as Error));
    }
    return results;
  };
  const countOutcomes = (jobs: Job<LikeJob>[], outcomes: (LikeOutcome | Error)[]) => {
    const summary: Record<string, number> = {};
    outcomes.forEach((o, i) => {
      if (o instanceof Error) return;
      metrics.likes.inc({ platform: jobs[i]!.data.event.platform, outcome: o.kind, reason: o.kind === 'ignored' ? o.reason : '' });
      const label = outcomeLabel(o);
      summary[label] = (summary[label] ?? 0) + 1;
    });
    // Ignored likes are worth an operator's eye (a supporter wondering why a like did not count).
    const anyIgnored = Object.keys(summary).some((label) => label.startsWith('ignored:'));
    logger[anyIgnored ? 'info' : 'debug']({ outcomes: summary }, 'ingest batch committed');
  };

  // Per-job outcomes out of one batch call: the batcher fans them back out.
  const batcher = new MicroBatcher<Job<LikeJob>, LikeOutcome | Error>(
    (jobs) => record(jobs).catch((error: unknown) => jobs.map(() => error as Error)),
    { maxSize: deps.batchSize, maxWaitMs: 5, maxInFlight: deps.batchesInFlight ?? 4 },
  );

  const worker = new Worker<LikeJob, string>(
    QUEUES.likes,
    async (job) => {
      const parsed = likeJobSchema.safeParse(job.data);
      if (!parsed.success) {
        logger.warn({ jobId: job.id, problem: describeZodError(parsed.error) }, 'unparseable like job dropped');
        throw new UnrecoverableError(`invalid like job: ${describeZodError(parsed.error)}`);
      }
      job.data = parsed.data;
      const outcome = await batcher.submit(job);
      if (outcome instanceof Error) throw outcome;
      return outcomeLabel(outcome);
    },
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: deps.concurrency,
      removeOnComplete: { count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  );
  worker.on('failed', (job, error) => {
    if (!job) return;
    const final = error instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1);
    if (!final) return;
    logger.error({ jobId: job.id, err: error }, 'like job failed for good');
    if (job.data?.importId) void recordImportOutcomes(deps.redis, deps.prefix, [{ importId: job.data.importId, label: 'failed' }]);
  });
  worker.on('error', (error) => logger.error({ err: error }, 'ingest worker error'));
  return {
    worker,
    close: async () => {
      await worker.close();
      await batcher.drain();
    },
  };
}
