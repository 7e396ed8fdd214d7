import type { Queue } from 'bullmq';
import { parsePeriod } from '../../domain/period.js';
import { periodState } from '../../notices/derive-notices.js';
import { createNoticeSenders } from '../../notices/create-notice-senders.js';
import { listNotices } from '../../notices/list-notices.js';
import { NoticesNotReadyError } from '../../notices/notices-not-ready-error.js';
import { planNotices } from '../../notices/plan-notices.js';
import { requeueNotices } from '../../notices/requeue-notices.js';
import { QUEUES } from '../../queues.js';
import type { Runtime } from '../../runtime.js';
import { loadSecrets } from '../../support/secrets.js';
import { createTokenCipher } from '../../support/token-cipher.js';
import { createNotifyWorker } from '../../../workers/notify.worker.js';
import { endProgress, out, progress } from '../output.js';
import { describeNotice } from './notices.js';

/**
 * `flattr notify --period YYYY-MM [--dry-run]`: sends a settled period's
 * notices that are still pending, or failed for a reason that may have
 * passed, and prints what became of each. Through the `notify` queue and
 * its job ids, so a running hub's worker and this command never send one
 * notice twice; with no hub consuming `notify`, the worker runs here. A
 * period never derived is derived first. `--dry-run` prints what would be
 * sent and writes nothing.
 */
export async function notifyCommand(runtime: Runtime, o: { period: string; dryRun?: boolean }): Promise<number> {
  const period = parsePeriod(o.period);
  const { config } = runtime;
  const { prisma } = await runtime.db();
  const state = await periodState(prisma, period);
  if (state.status !== 'settled') throw new NoticesNotReadyError(period, state.status);
  const plan = { holdDays: config.money.escrowHoldDays, timeZone: config.money.timeZone };
  if (o.dryRun) {
    if (!state.derived) {
      const { notices } = await planNotices(prisma, period, { ...plan, now: new Date() });
      out(`${period}: not derived yet; flattr notify would derive and send ${notices.filter((n) => n.status === 'pending').length} of ${notices.length} notices:`);
      for (const n of notices) {
        const to = n.channel ? `channel ${n.channel}` : `a DM on ${n.platform}`;
        out(`  ${n.status === 'pending' ? 'would send' : `skipped (${n.reason})`} ${n.kind} ${n.target}${n.parts > 1 ? ` ${n.part}/${n.parts}` : ''} to ${to}`);
      }
      return 0;
    }
    const open = (await listNotices(prisma, period)).filter((n) => n.status === 'pending' || n.status === 'sending' || (n.status === 'failed' && n.retryable));
    out(`${period}: ${open.length} notice${open.length === 1 ? '' : 's'} would be sent`);
    for (const n of open) out(`  would send ${describeNotice(n).replace(/^\S+\s+/, '')}`);
    return 0;
  }

  const queue = await runtime.queue(QUEUES.notify);
  await ensureWorker(runtime, queue, plan);
  const queued = await requeueNotices(prisma, queue, period, plan);
  if (queued.length === 0) {
    out(`${period}: nothing to send (every notice is sent, skipped or failed for good; flattr notices --period ${period} lists them)`);
    return 0;
  }
  const ids = queued.map((n) => n.id);
  const started = Date.now();
  let done = await listNotices(prisma, period, ids);
  try {
    while (done.some((n) => n.status === 'pending' || n.status === 'sending')) {
      const left = done.filter((n) => n.status === 'pending' || n.status === 'sending').length;
      progress(`notify ${period}: ${ids.length - left}/${ids.length} done (${Math.round((Date.now() - started) / 100) / 10} s)`);
      await new Promise((resolve) => setTimeout(resolve, 250));
      done = await listNotices(prisma, period, ids);
    }
  } finally {
    endProgress();
  }
  for (const n of done) out(describeNotice(n));
  const failed = done.filter((n) => n.status === 'failed').length;
  out(`${period}: ${done.filter((n) => n.status === 'sent').length} sent, ${failed} failed, ${done.filter((n) => n.status === 'skipped').length} skipped`);
  return failed > 0 ? 2 : 0;
}

/** No hub consuming `notify`: run the worker in this process (senders from configuration, as a worker process does). */
async function ensureWorker(runtime: Runtime, queue: Queue, plan: { holdDays: number; timeZone: string }): Promise<void> {
  if ((await queue.getWorkersCount()) > 0) return;
  const { config, logger } = runtime;
  const { prisma } = await runtime.db();
  const secrets = loadSecrets(config.secrets, config.dataDir, logger);
  const notify = createNotifyWorker({
    db: prisma, connection: await runtime.workerConnection(), redis: await runtime.redis(), prefix: config.redis.queuePrefix,
    senders: createNoticeSenders(config, { db: prisma, cipher: createTokenCipher(secrets.tokenEncryptionKey) }),
    ...plan, logger: logger.child({ worker: 'notify' }), metrics: runtime.metrics, catchUpOnStart: false,
  });
  runtime.onClose(() => notify.close(), { name: 'notify worker' });
  logger.info('no hub is consuming notify: running the notify worker in this process');
}
