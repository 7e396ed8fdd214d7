import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InvalidInputError } from '../../domain/errors.js';
import { importLikes, type ImportSummary } from '../../ingest/import-likes.js';
import { QUEUES } from '../../queues.js';
import type { Runtime } from '../../runtime.js';
import { createIngestWorker } from '../../../workers/ingest.worker.js';
import { endProgress, out, progress, toJson } from '../output.js';

/**
 * `flattr likes import <file|->`. With a hub consuming `likes`, the lines go
 * to it; with none, an ingest worker runs in this process for the duration.
 */
export async function likesImportCommand(runtime: Runtime, file: string, options: { json?: boolean }): Promise<number> {
  const input: Readable = file === '-' ? process.stdin : await openFile(file);
  const queue = await runtime.queue(QUEUES.likes);
  const redis = await runtime.redis();
  const { config } = runtime;
  if ((await queue.getWorkersCount()) === 0) {
    const { prisma } = await runtime.db();
    const ingest = createIngestWorker({
      db: prisma, connection: await runtime.workerConnection(), redis, prefix: config.redis.queuePrefix,
      timeZone: config.money.timeZone, concurrency: config.ingest.concurrency, batchSize: config.ingest.batchSize,
      logger: runtime.logger.child({ worker: 'ingest' }), metrics: runtime.metrics,
    });
    runtime.onClose(() => ingest.close());
    runtime.logger.info('no hub is consuming likes: running the ingest worker in this process');
  }
  const started = Date.now();
  const summary = await importLikes(input, {
    queue, redis, prefix: config.redis.queuePrefix,
    onProgress: (p) => progress(`likes import: ${p.lines} lines read, ${p.queued} queued, ${p.done} done (${rate(p.done, started)}/s)`),
  });
  endProgress();
  if (options.json) out(toJson(summary));
  else printSummary(file, summary, Date.now() - started);
  return summary.invalid > 0 || summary.failed > 0 ? 2 : 0;
}

const READ_PROBLEMS: Record<string, string> = {
  ENOENT: 'no such file', EACCES: 'permission denied', EPERM: 'permission denied', EISDIR: 'it is a directory', ELOOP: 'too many symbolic links',
};

/** The NDJSON file, opened, or a one-line reason it cannot be read (a directory opens fine on Linux, then fails on read). */
async function openFile(file: string): Promise<Readable> {
  const refuse = (code: string | undefined, message: string) => new InvalidInputError('file', `cannot read ${file}: ${READ_PROBLEMS[code ?? ''] ?? message}; give an NDJSON file, or - for standard input`);
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => { throw refuse(error.code, error.message); });
  if (info.isDirectory()) throw refuse('EISDIR', '');
  const stream = createReadStream(file);
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (error: NodeJS.ErrnoException) => reject(refuse(error.code, error.message)));
  });
  return stream;
}

function rate(n: number, since: number): number {
  return Math.round((n * 1000) / Math.max(1, Date.now() - since));
}

function printSummary(file: string, s: ImportSummary, ms: number): void {
  const ignored = Object.values(s.ignored).reduce((a, b) => a + b, 0);
  out(`imported ${file === '-' ? 'standard input' : file}: ${s.lines} lines in ${Math.round(ms / 100) / 10} s`);
  out(`  accepted   ${s.accepted}`);
  out(`  duplicate  ${s.duplicate}`);
  out(`  ignored    ${ignored}${ignored ? ` (${Object.entries(s.ignored).map(([r, n]) => `${r} ${n}`).join(', ')})` : ''}`);
  out(`  invalid    ${s.invalid}`);
  for (const { line, reason } of s.invalidLines) out(`    line ${line}: ${reason}`);
  if (s.invalid > s.invalidLines.length) out(`    … and ${s.invalid - s.invalidLines.length} more`);
  if (s.failed) out(`  failed     ${s.failed} (see the hub's log and /admin/queues)`);
}
