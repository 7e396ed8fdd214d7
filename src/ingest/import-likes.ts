import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { LIKE_JOB_OPTIONS } from './enqueue-like.js';
import { forgetImport, readImportOutcomes } from './import-progress.js';
import { parseNdjsonLine } from './parse-ndjson-line.js';

export type ImportSummary = {
  lines: number;
  queued: number;
  accepted: number;
  duplicate: number;
  ignored: Record<string, number>;
  invalid: number;
  failed: number;
  /** The first invalid lines, with their 1-based line number and what is wrong. */
  invalidLines: { line: number; reason: string }[];
};

export type ImportProgress = { lines: number; queued: number; done: number };

const CHUNK = 1000;
const MAX_REPORTED_INVALID = 100;

/**
 * Streams NDJSON LikeEvents into the `likes` queue (the live path's queue and
 * worker) and waits until every queued line has an outcome. Each line gets its
 * own job id, so the import never collides with live deliveries in BullMQ;
 * duplicates are told apart by the database, as for live events.
 */
export async function importLikes(
  input: Readable,
  deps: { queue: Queue; redis: Redis; prefix: string; onProgress?: (p: ImportProgress) => void; pollMs?: number },
): Promise<ImportSummary> {
  const importId = randomUUID().replaceAll('-', '');
  const summary: ImportSummary = { lines: 0, queued: 0, accepted: 0, duplicate: 0, ignored: {}, invalid: 0, failed: 0, invalidLines: [] };
  let done = 0;
  const refresh = async () => {
    const counts = await readImportOutcomes(deps.redis, deps.prefix, importId);
    done = Object.values(counts).reduce((a, b) => a + b, 0);
    return counts;
  };
  const report = () => deps.onProgress?.({ lines: summary.lines, queued: summary.queued, done });
  const ticker = setInterval(() => void refresh().then(report, () => {}), 1000);

  try {
    let chunk: { name: string; data: unknown; opts: object }[] = [];
    const flush = async () => {
      if (chunk.length === 0) return;
      await deps.queue.addBulk(chunk);
      summary.queued += chunk.length;
      chunk = [];
    };
    for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
      summary.lines++;
      const line = raw.trim();
      if (!line) continue;
      const parsed = parseNdjsonLine(line);
      if (!parsed.ok) {
        summary.invalid++;
        if (summary.invalidLines.length < MAX_REPORTED_INVALID) summary.invalidLines.push({ line: summary.lines, reason: parsed.reason });
        continue;
      }
      chunk.push({ name: 'like', data: { event: parsed.event, importId }, opts: { ...LIKE_JOB_OPTIONS, jobId: `imp-${importId}-${summary.lines}` } });
      if (chunk.length >= CHUNK) await flush();
    }
    await flush();

    let counts = await refresh();
    while (done < summary.queued) {
      await new Promise((r) => setTimeout(r, deps.pollMs ?? 50));
      counts = await refresh();
    }
    for (const [label, n] of Object.entries(counts)) {
      if (label === 'accepted') summary.accepted = n;
      else if (label === 'duplicate') summary.duplicate = n;
      else if (label === 'failed') summary.failed = n;
      else if (label.startsWith('ignored:')) summary.ignored[label.slice('ignored:'.length)] = n;
    }
    report();
    await forgetImport(deps.redis, deps.prefix, importId);
    return summary;
  } finally {
    clearInterval(ticker);
  }
}
