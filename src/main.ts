import type { Config } from './config.js';
import { createHttpServer } from './http/server.js';
import { assertPortFree } from './http/assert-port-free.js';
import { ALL_QUEUES, Runtime } from './runtime.js';
import { mountAdminQueues } from './http/admin-queues.js';
import { loadSecrets } from './support/secrets.js';
import { createIngestWorker } from '../workers/ingest.worker.js';
import { describeAdapters } from './adapters/describe-adapters.js';
import { describeEndpoints } from './http/describe-endpoints.js';
import { describePayments } from './payments/describe-payments.js';
import { nextSettlement } from './settlement/next-settlement.js';
import { formatWhen } from './cli/settlement-format.js';
import { createAdapters } from './adapters/create-adapters.js';
import type { PlatformAdapter } from './adapters/port.js';
import { enqueueLike } from './ingest/enqueue-like.js';
import { QUEUES } from './queues.js';
import { createTokenCipher } from './support/token-cipher.js';
import { createSettleWorker } from '../workers/settle.worker.js';
import { createEscrowWorker, scheduleEscrowRelease } from '../workers/escrow.worker.js';
import { schedulePeriodClose } from './settlement/schedule-settlement.js';
import { enqueueCatchUp } from './settlement/enqueue-catch-up.js';
import { scheduleLedgerCheck } from './settlement/schedule-ledger-check.js';
import { settlementSettings } from './settlement/settings-from-config.js';
import { redactUrl } from './support/redact.js';
import { createNotifyWorker, scheduleNoticeCatchUp } from '../workers/notify.worker.js';
import type { NoticeSenders } from './notices/port.js';

export type HubRole = 'api' | 'worker' | 'all';
/** `adapters`: the started platform adapters of an api process (tests drive their start/stop). */
export type Hub = { runtime: Runtime; url?: string; adapters: PlatformAdapter[]; close(options?: { deadlineMs?: number }): Promise<void> };

/**
 * The composition root: wires config, database, Redis, the HTTP server,
 * workers and adapters for one process. Any number of processes may run
 * against the same Redis and database (docs/architecture.md).
 */
export async function startHub(config: Config, options: { role: HubRole; runtime?: Runtime; now?: () => Date }): Promise<Hub> {
  const runtime = options.runtime ?? new Runtime(config, { metrics: undefined });
  const { logger } = runtime;
  // The start log is a handful of lines: pretty ones (a person at a terminal) say it all in the
  // message, JSON ones keep the same facts as fields for machines.
  const startLine = (fields: Record<string, unknown>, message: string) => logger.info(config.logFormat === 'pretty' ? {} : fields, message);
  try {
    if (options.role !== 'worker') await assertPortFree(config.http.port, config.http.host);
    else if (config.http.metricsPort) await assertPortFree(config.http.metricsPort, config.http.host);
    const secrets = loadSecrets(config.secrets, config.dataDir, logger);
    const database = await runtime.db({ share: true });
    const { prisma, kind } = database;
    let socket: string | undefined;
    if (database.serve) {
      // On the embedded default, commands run beside the hub through this socket (README).
      const server = await database.serve({ logger: logger.child({ part: 'database socket' }) });
      runtime.onClose(() => server.close(), { name: 'database socket' });
      socket = server.socketDir;
    }
    const redis = await runtime.redis();
    const redisUrl = redactUrl(await runtime.redisUrl());
    const shared = socket ? ` (shared with flattr commands on this machine through ${socket})` : '';
    startLine({ database: kind, socket, redis: redisUrl, role: options.role }, `flattr-hub starting: role ${options.role}, database ${kind}${shared}, redis ${redisUrl}`);
    // Adapters listen in api processes only (below): a worker process has none to describe.
    if (options.role !== 'worker') for (const adapter of describeAdapters(config)) startLine({ adapter: adapter.name, on: adapter.on, why: adapter.why }, adapter.line);
    const payments = describePayments(config);
    startLine({ payments: payments.on }, payments.line);
    const next = nextSettlement((options.now ?? (() => new Date()))(), config.money.timeZone, config.money.graceMinutes);
    const settles = { nextSettlement: { period: next.period, at: next.at.toISOString() } };
    const settlesText = `next settlement: ${next.period} at ${formatWhen(next.at, config.money.timeZone)}`;

    if (options.role !== 'api') {
      const ingest = createIngestWorker({
        db: prisma, connection: await runtime.workerConnection(), redis, prefix: config.redis.queuePrefix,
        timeZone: config.money.timeZone, concurrency: config.ingest.concurrency, batchSize: config.ingest.batchSize,
        logger: logger.child({ worker: 'ingest' }), metrics: runtime.metrics, now: options.now,
      });
      runtime.onClose(() => ingest.close(), { name: 'ingest worker' });
      const settle = createSettleWorker({
        db: prisma, connection: await runtime.workerConnection(), prefix: config.redis.queuePrefix, settings: settlementSettings(config),
        concurrency: config.settlement.concurrency, concurrentOpen: kind === 'postgres',
        lockMs: config.settlement.lockSeconds * 1000, logger: logger.child({ worker: 'settle' }), metrics: runtime.metrics, now: options.now,
      });
      runtime.onClose(() => settle.close(), { name: 'settle worker' });
      const escrow = createEscrowWorker({
        db: prisma, connection: await runtime.workerConnection(), prefix: config.redis.queuePrefix, holdDays: config.money.escrowHoldDays,
        timeZone: config.money.timeZone, logger: logger.child({ worker: 'escrow' }), now: options.now,
      });
      runtime.onClose(() => escrow.close(), { name: 'escrow worker' });
      // Notices are sent from worker processes: the send halves need only tokens (REST), never a platform connection.
      // Their SDKs load only when a platform is configured (none configured: no sender, as createNoticeSenders says).
      const senders: NoticeSenders = config.slack || config.discord || config.twitter
        ? (await import('./notices/create-notice-senders.js')).createNoticeSenders(config, { db: prisma, cipher: createTokenCipher(secrets.tokenEncryptionKey) })
        : new Map();
      const notify = createNotifyWorker({
        db: prisma, connection: await runtime.workerConnection(), redis, prefix: config.redis.queuePrefix,
        senders,
        holdDays: config.money.escrowHoldDays, timeZone: config.money.timeZone,
        logger: logger.child({ worker: 'notify' }), metrics: runtime.metrics, now: options.now,
      });
      runtime.onClose(() => notify.close(), { name: 'notify worker' });
      // X Activity API subscriptions follow the supporters' X settings through a queue job, so a setting change never waits for X.
      if (config.twitter && describeAdapters(config).find((a) => a.name === 'twitter')?.on) {
        const x = await import('../adapters/twitter/start-x-workers.js');
        runtime.onClose(await x.startXWorkers(config, { db: prisma, connection: await runtime.workerConnection(), queue: await runtime.queue(QUEUES.xSubscriptions), tokenEncryptionKey: secrets.tokenEncryptionKey, logger: logger.child({ worker: 'x-subscriptions' }), now: options.now }), { name: 'x-subscriptions worker' });
        // Polling liked Posts (TWITTER_MODE=poll or both): one tick scheduler shared by every worker process, polls within X's per-app limit.
        const poll = await import('../workers/x-poll.worker.js');
        if (config.twitter.mode !== 'webhook') {
          const polling = await poll.startXPollingFromConfig(config.twitter, {
            db: prisma, connection: await runtime.workerConnection(), redis, prefix: config.redis.queuePrefix, cipher: createTokenCipher(secrets.tokenEncryptionKey),
            likes: await runtime.queue(QUEUES.likes), logger: logger.child({ worker: 'x-poll' }), metrics: runtime.metrics, now: options.now,
          });
          runtime.onClose(() => polling.close(), { name: 'x-poll worker' });
        } else {
          // Back to webhooks only: a tick scheduler left by an earlier start goes, so no tick waits for a worker that will not come.
          await poll.removeXPollScheduler(await runtime.queue(QUEUES.xPoll));
        }
      }
      await schedulePeriodClose(await runtime.queue(QUEUES.settle), config.money);
      // A hub that was down over a month end settles what it missed now, not at the next tick.
      await enqueueCatchUp(await runtime.queue(QUEUES.settle), 'start');
      await scheduleLedgerCheck(await runtime.queue(QUEUES.settle), config.money.timeZone);
      await scheduleEscrowRelease(await runtime.queue(QUEUES.escrow), config.money.timeZone);
      await scheduleNoticeCatchUp(await runtime.queue(QUEUES.notify));
      // Creator payouts (monthly) and the reconciliation with Stripe (daily): only with Stripe configured.
      if (config.stripe) {
        const [{ createPayoutsWorker }, { schedulePayouts }, { createStripe }] = await Promise.all([
          import('../workers/payouts.worker.js'), import('./payments/payouts/payouts-jobs.js'), import('./payments/stripe-client.js'),
        ]);
        const payouts = createPayoutsWorker({
          db: prisma, stripe: createStripe(config.stripe), connection: await runtime.workerConnection(), prefix: config.redis.queuePrefix,
          minimum: config.stripe.payoutMinimum, logger: logger.child({ worker: 'payouts' }), registry: runtime.metrics.registry, now: options.now,
        });
        runtime.onClose(() => payouts.close(), { name: 'payouts worker' });
        await schedulePayouts(await runtime.queue(QUEUES.payouts), config.money.timeZone);
        // Monthly top-ups equal to the budget, charged to saved cards after the period close.
        const [{ createTopupsWorker }, { scheduleMonthlyTopups }] = await Promise.all([import('../workers/topups.worker.js'), import('./payments/monthly/monthly-topup-jobs.js')]);
        const topups = createTopupsWorker({
          db: prisma, stripe: createStripe(config.stripe), connection: await runtime.workerConnection(), prefix: config.redis.queuePrefix,
          timeZone: config.money.timeZone, logger: logger.child({ worker: 'topups' }), now: options.now,
        });
        runtime.onClose(() => topups.close(), { name: 'topups worker' });
        await scheduleMonthlyTopups(await runtime.queue(QUEUES.topups), config.money);
      }
    }

    let url: string | undefined;
    let adapters: PlatformAdapter[] = [];
    const readiness = async () => ({
      redis: await redis.ping().then((r) => r === 'PONG', () => false),
      database: await prisma.$queryRawUnsafe('SELECT 1').then(() => true, () => false),
    });
    if (options.role !== 'worker') {
      const http = createHttpServer({ logger, metrics: runtime.metrics, readiness });
      runtime.onClose(() => http.close(), { name: 'http server' });
      await mountAdminQueues(http, await Promise.all(ALL_QUEUES.map((name) => runtime.queue(name))), secrets.adminToken);
      await (await import('./web/mount-web.js')).mountWeb(http, { config, db: prisma, redis, sessionSecret: secrets.sessionSecret, tokenEncryptionKey: secrets.tokenEncryptionKey, adminToken: secrets.adminToken, logger, now: options.now });
      // Stripe's signed events (top-ups, refunds, disputes, Connect): the stripe package loads only when configured.
      if (config.stripe) (await import('./payments/mount-payments.js')).mountPayments(http, { config, db: prisma, logger, metrics: runtime.metrics, now: options.now });
      // Adapters listen in api processes: they need the HTTP server (Slack, X webhooks) and
      // only enqueue, so a worker-only process never opens a platform connection.
      const likes = await runtime.queue(QUEUES.likes);
      adapters = await createAdapters(config, {
        emitLike: (event) => enqueueLike(likes, event),
        ignore: (platform, reason, details) => {
          runtime.metrics.adapterIgnored.inc({ platform, reason });
          logger.info({ platform, reason, ...details }, 'platform payload ignored');
        },
        db: prisma, cipher: createTokenCipher(secrets.tokenEncryptionKey), logger, metrics: runtime.metrics,
        http, publicUrl: config.http.publicUrl, now: options.now ?? (() => new Date()),
        money: { escrowHoldDays: config.money.escrowHoldDays, timeZone: config.money.timeZone },
        payments: config.stripe ? (await import('./payments/chat-payments.js')).createChatPayments(config, prisma) : undefined,
      });
      for (const adapter of adapters) {
        await adapter.start();
        runtime.onClose(() => adapter.stop(), { name: `${adapter.name} adapter` });
      }
      // Fastify logs a line per network interface as it listens; the line below says it once, with the rest.
      const level = http.log.level;
      http.log.level = 'warn';
      url = await http.listen({ port: config.http.port, host: config.http.host }).finally(() => { http.log.level = level; });
      const { text, ...endpoints } = describeEndpoints(config.http.publicUrl);
      startLine({ url, ...endpoints, ...settles }, `http server listening on ${url}: ${text}; ${settlesText}`);
    } else {
      // The workers' own counters (ingest, settlement, notices, X polls, payouts, reconciliation) are only in this process.
      let probes: { url: string } | Record<string, never> = {};
      if (config.http.metricsPort !== undefined) {
        const http = createHttpServer({ logger, metrics: runtime.metrics, readiness });
        runtime.onClose(() => http.close(), { name: 'metrics server' });
        const level = http.log.level;
        http.log.level = 'warn';
        probes = { url: await http.listen({ port: config.http.metricsPort, host: config.http.host }).finally(() => { http.log.level = level; }) };
        url = probes.url;
      }
      const notices = [config.slack && 'slack', config.discord && 'discord'].filter((p): p is string => Boolean(p));
      const served = 'url' in probes ? `; /healthz, /readyz and /metrics on ${probes.url}` : '';
      startLine({ notices, ...probes, ...settles }, `workers started, notices sent to ${notices.join(' and ') || 'no platform (none configured)'}${served}; ${settlesText}`);
    }
    return {
      runtime, url, adapters,
      close: async (closeOptions?: { deadlineMs?: number }) => {
        await runtime.close(closeOptions);
        logger.info('flattr-hub stopped');
      },
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
