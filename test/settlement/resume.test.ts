import { Queue, UnrecoverableError } from 'bullmq';
import { beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/domain/errors.js';
import { recordLikes } from '../../src/ingest/record-likes.js';
import { ensureAccounts } from '../../src/ledger/accounts.js';
import { verifyLedger } from '../../src/ledger/verify-ledger.js';
import { QUEUES } from '../../src/queues.js';
import { enqueueSettlement } from '../../src/settlement/enqueue-settlement.js';
import { PeriodNotEndedError, SettlementFailedError } from '../../src/settlement/errors.js';
import { buildRecipients } from '../../src/settlement/build-recipients.js';
import { loadRun, openRun } from '../../src/settlement/open-run.js';
import { settleBatch } from '../../src/settlement/settle-batch.js';
import { recipientsJoinFor } from '../../src/settlement/settle-batch-sql.js';
import type { SettleStage } from '../../src/settlement/settlement-stages.js';
import { waitForSettlement } from '../../src/settlement/wait-for-settlement.js';
import { createLogger } from '../../src/support/logger.js';
import { createSettleWorker } from '../../workers/settle.worker.js';
import { holdTransaction } from '../support/held-transaction.js';
import { randomQueuePrefix } from '../support/queue.js';
import { likeEvent } from '../support/world.js';
import {
  ledgerFingerprint, NOW, obliterate, PERIOD, settings, settlePeriod, TEST_CONNECTION, MIXED_WORLD, useSettleWorld,
} from './support/settle-world.js';

const SPEC = MIXED_WORLD;

class Crash extends Error {}

/**
 * Every run here goes through the settle worker on Redis (settlePeriod runs
 * it in this process), the one path production takes; crashes are thrown
 * from the stages' hooks inside the worker's jobs.
 */
describe('settlement runs: resume, crash at every stage, concurrency, refusals', () => {
  const { db, reset: fresh, world } = useSettleWorld(SPEC);
  let clean: Awaited<ReturnType<typeof ledgerFingerprint>>;

  beforeAll(async () => {
    await fresh();
    await settlePeriod(db(), PERIOD, settings({ policy: 'charity' }));
    clean = await ledgerFingerprint(db());
  });

  it('the clean run settles someone in every currency and moves money to creators, escrow, fees and charity', () => {
    const kinds = new Set((clean.balances as { kind: string }[]).map((b) => b.kind));
    expect([...kinds].sort()).toEqual(['charity', 'creator', 'escrow', 'external', 'fees', 'wallet']);
    expect((clean.settlements as unknown[]).length).toBeGreaterThan(8);
  });

  const crashPoints: [SettleStage, number][] = [
    ['opened', 1], ['batch-written', 1], ['batch-written', 3], ['batch-committed', 1], ['batch-committed', 4], ['batches-done', 1], ['finished', 1],
  ];
  const crashAt = (stage: SettleStage, nth: number, crash: () => Error) => {
    const seen = { n: 0, crashed: false };
    return { seen, onStage: (s: SettleStage) => {
      if (s === stage && ++seen.n === nth) { seen.crashed = true; throw crash(); }
    } };
  };

  it.each(crashPoints)('crashing at %s (occurrence %i): BullMQ retries the job and the run ends with the clean ledger, no double credit', async (stage, nth) => {
    const { seen, onStage } = crashAt(stage, nth, () => new Crash(`crash at ${stage}`));
    await settlePeriod(db(), PERIOD, settings({ policy: 'charity' }), { onStage });
    expect(seen.crashed).toBe(true);
    expect(await ledgerFingerprint(db())).toEqual(clean);
    // And once more: a settled period is left alone.
    await settlePeriod(db(), PERIOD, settings({ policy: 'charity' }));
    expect(await ledgerFingerprint(db())).toEqual(clean);
    expect(await verifyLedger(db())).toMatchObject({ ok: true });
  }, 30_000);

  it.each(crashPoints)('crashing at %s (occurrence %i) so the job fails for good: a second settle resumes it to the clean ledger', async (stage, nth) => {
    const prefix = randomQueuePrefix();
    try {
      const { seen, onStage } = crashAt(stage, nth, () => new UnrecoverableError(`crash at ${stage}`));
      const failed = settlePeriod(db(), PERIOD, settings({ policy: 'charity' }), { onStage, prefix });
      await expect(failed).rejects.toThrow(SettlementFailedError);
      // The run's failure names the crash, even when it was a batch's.
      await expect(failed).rejects.toThrow(`crash at ${stage}`);
      expect(seen.crashed).toBe(true);
      const [run] = await db().$queryRawUnsafe<{ status: string }[]>(`SELECT status FROM settlement_runs`);
      // Only a crash after finishing leaves the run settled; its job failed all the same.
      expect(run?.status).toBe(stage === 'finished' ? 'settled' : 'running');
      await settlePeriod(db(), PERIOD, settings({ policy: 'charity' }), { prefix });
      expect(await ledgerFingerprint(db())).toEqual(clean);
    } finally {
      await obliterate(prefix);
    }
  }, 30_000);

  it('resumes with the fee and policy the run was opened with, not the ones of the second call', async () => {
    const onStage = (s: SettleStage) => { if (s === 'batch-committed') throw new UnrecoverableError('crash'); };
    await expect(settlePeriod(db(), PERIOD, settings({ policy: 'charity' }), { onStage })).rejects.toThrow(SettlementFailedError);
    await settlePeriod(db(), PERIOD, settings({ policy: 'keep', feeBps: 0 }));
    expect(await ledgerFingerprint(db())).toEqual(clean);
  });

  it('gives the same ledger whatever the batch size or the worker\'s concurrency', async () => {
    for (const [batchSize, concurrency] of [[1, 1], [5, 3], [100, 1], [2, 4]] as const) {
      await fresh();
      await settlePeriod(db(), PERIOD, settings({ policy: 'charity', batchSize }), { concurrency, concurrentOpen: concurrency > 1 });
      expect(await ledgerFingerprint(db())).toEqual(clean);
    }
  });

  it('gives the same ledger whether batches probe the run\'s recipients or hash them', async () => {
    const opened = await openRun(db(), PERIOD, settings({ policy: 'charity', batchSize: 2 }), NOW);
    const count = (await db().$queryRawUnsafe<{ count: number }[]>(`SELECT count(*)::int AS count FROM settlement_recipients`))[0]!.count;
    expect(opened.recipients).toBe(count);
    expect(recipientsJoinFor(opened)).toBe('hash');
    // As if the recipients far outnumbered a batch's flattrs; a run opened without the count gets it on resuming.
    await db().$executeRawUnsafe(`UPDATE settlement_runs SET recipients = 1000000`);
    expect(recipientsJoinFor(await openRun(db(), PERIOD, settings(), NOW))).toBe('probe');
    await settlePeriod(db(), PERIOD, settings({ policy: 'charity', batchSize: 2 }));
    expect(await ledgerFingerprint(db())).toEqual(clean);
    await db().$executeRawUnsafe(`UPDATE settlement_runs SET recipients = NULL, status = 'running'`);
    expect((await openRun(db(), PERIOD, settings(), NOW)).recipients).toBe(count);
  });

  it('batches probe recipients only when they far outnumber a batch\'s flattrs', () => {
    const run = { flattrs: 1000, batches: 10 };
    expect(recipientsJoinFor({ ...run, recipients: null })).toBe('hash');
    expect(recipientsJoinFor({ ...run, recipients: 1600 })).toBe('hash');
    expect(recipientsJoinFor({ ...run, recipients: 1601 })).toBe('probe');
    expect(recipientsJoinFor({ recipients: 5, flattrs: 0, batches: 0 })).toBe('hash');
  });

  it('opening on two connections writes the same recipients as opening in one transaction', async () => {
    const recipients = () => db().$queryRawUnsafe<unknown[]>(
      `SELECT r.identity_id, trim(r.currency) AS currency, r.creator_id, a.kind, a.user_id, a.identity_id AS account_identity
         FROM settlement_recipients r JOIN accounts a ON a.id = r.account_id ORDER BY 1, 2`);
    await openRun(db(), PERIOD, settings({ policy: 'charity' }), NOW);
    const sequential = await recipients();
    expect(sequential.length).toBeGreaterThan(3);
    await fresh();
    await openRun(db(), PERIOD, settings({ policy: 'charity' }), NOW, { concurrent: true });
    expect(await recipients()).toEqual(sequential);
  });

  it('a batch adds the recipients its opening did not write, and settles the same', async () => {
    await openRun(db(), PERIOD, settings({ policy: 'charity' }), NOW);
    await db().$executeRawUnsafe(`DELETE FROM settlement_recipients`);
    await settlePeriod(db(), PERIOD, settings({ policy: 'charity' }));
    expect(await ledgerFingerprint(db())).toEqual(clean);
  });

  it('resuming a run whose recipients half failed builds them before any batch', async () => {
    await openRun(db(), PERIOD, settings({ policy: 'charity' }), NOW);
    const built = await db().$queryRawUnsafe<unknown[]>(`SELECT identity_id, currency, account_id FROM settlement_recipients ORDER BY 1, 2`);
    await db().$executeRawUnsafe(`DELETE FROM settlement_recipients`);
    await db().$executeRawUnsafe(`UPDATE settlement_runs SET recipients = NULL`);
    const resumed = await openRun(db(), PERIOD, settings({ policy: 'charity' }), NOW);
    expect(await db().$queryRawUnsafe(`SELECT identity_id, currency, account_id FROM settlement_recipients ORDER BY 1, 2`)).toEqual(built);
    expect(resumed.recipients).toBe(built.length);
    await settlePeriod(db(), PERIOD, settings({ policy: 'charity' }));
    expect(await ledgerFingerprint(db())).toEqual(clean);
  });

  it('a batch adding a recipient whose account another transaction creates meanwhile settles the same', async () => {
    await openRun(db(), PERIOD, settings({ policy: 'charity' }), NOW);
    const creator = world().creatorIds[0]!;
    expect(creator).not.toBeNull();
    // The creator's recipient rows and accounts are gone, as if the opening had never built them…
    await db().$executeRawUnsafe(`DELETE FROM settlement_recipients WHERE creator_id = $1`, creator);
    await db().$executeRawUnsafe(`DELETE FROM accounts WHERE kind = 'creator' AND user_id = $1`, creator);
    // …and another transaction (a claim, say) is creating them while the batch wants them.
    const other = await holdTransaction(db(), (tx) =>
      ensureAccounts(tx, ['EUR', 'USD', 'JPY'].map((currency) => ({ kind: 'creator' as const, userId: creator, currency }))));
    const { batch } = (await db().$queryRawUnsafe<{ batch: number }[]>(
      `SELECT min(s.batch)::int AS batch FROM settlement_supporters s
         JOIN flattrs f ON f.supporter_id = s.supporter_id AND f.period = s.period AND f.status = 'active'
        WHERE f.recipient_identity_id = $1`, world().recipientIds[0]))[0]!;
    const settling = settleBatch(db(), await loadRun(db(), PERIOD), batch);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await other.commit();
    await settling;
    await settlePeriod(db(), PERIOD, settings({ policy: 'charity' }));
    expect(await ledgerFingerprint(db())).toEqual(clean);
  });

  it('recipients left by an opening that failed are reused, not duplicated', async () => {
    await buildRecipients(db(), PERIOD);
    await settlePeriod(db(), PERIOD, settings({ policy: 'charity' }), { concurrency: 2 });
    expect(await ledgerFingerprint(db())).toEqual(clean);
  });

  it('a batch whose asynchronous commit a database crash lost is settled again before the run finishes', async () => {
    // What a lost commit leaves: the batch's supporters unsettled, as if it never ran
    // (the append-only triggers are bypassed to stage it, as recovery would, below them).
    const loseBatch = async (batch: number) => db().$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`SET LOCAL session_replication_role = replica`);
      const lost = `SELECT x.supporter_id, x.transfer_id FROM supporter_settlements x
                      JOIN settlement_supporters s ON s.period = x.period AND s.supporter_id = x.supporter_id
                     WHERE x.period = $1 AND s.batch = $2`;
      await tx.$executeRawUnsafe(`DELETE FROM entries WHERE transfer_id IN (SELECT transfer_id FROM (${lost}) l)`, PERIOD, batch);
      await tx.$executeRawUnsafe(`DELETE FROM transfers WHERE id IN (SELECT transfer_id FROM (${lost}) l)`, PERIOD, batch);
      return tx.$executeRawUnsafe(`DELETE FROM supporter_settlements WHERE period = $1 AND supporter_id IN (SELECT supporter_id FROM (${lost}) l)`, PERIOD, batch);
    });
    let lostSupporters = 0;
    let passes = 0;
    const onStage = async (stage: SettleStage, detail: { batch?: number }) => {
      if (stage === 'batches-done') passes++;
      if (stage === 'batch-committed' && detail.batch === 1 && lostSupporters === 0) lostSupporters = await loseBatch(1);
    };
    await settlePeriod(db(), PERIOD, settings({ policy: 'charity' }), { onStage });
    expect(lostSupporters).toBeGreaterThan(0);
    // The parent's finish found the batch pending and fanned it out again before finishing.
    expect(passes).toBe(2);
    expect(await ledgerFingerprint(db())).toEqual(clean);
    expect(await verifyLedger(db())).toMatchObject({ ok: true });
  });

  it('two workers settling the same period at once produce one settlement, on one queue or on two', async () => {
    const shared = randomQueuePrefix();
    try {
      await Promise.all([1, 2].map(() => settlePeriod(db(), PERIOD, settings({ policy: 'charity', batchSize: 2 }), { concurrency: 2, prefix: shared })));
    } finally {
      await obliterate(shared);
    }
    expect(await ledgerFingerprint(db())).toEqual(clean);
    // Two hubs on different Redis prefixes: two parent jobs; the database still settles each supporter once.
    await fresh();
    await Promise.all([1, 2].map(() => settlePeriod(db(), PERIOD, settings({ policy: 'charity', batchSize: 2 }), { concurrency: 2 })));
    expect(await ledgerFingerprint(db())).toEqual(clean);
  });

  it('the same batch settled twice at once writes it once', async () => {
    const run = await openRun(db(), PERIOD, settings({ policy: 'charity', batchSize: 100 }), NOW);
    const results = await Promise.all([settleBatch(db(), run, 0), settleBatch(db(), run, 0)]);
    expect(results.map((r) => r.entries).sort((a, b) => a - b)[0]).toBe(0);
    await settlePeriod(db(), PERIOD, settings());
    expect(await ledgerFingerprint(db())).toEqual(clean);
  });

  it('refuses a period that has not ended (plus grace) or is malformed, and writes nothing', async () => {
    const justAfterEnd = new Date('2026-11-01T00:30:00Z');
    await expect(settlePeriod(db(), PERIOD, settings(), { now: justAfterEnd })).rejects.toBeInstanceOf(PeriodNotEndedError);
    await expect(settlePeriod(db(), PERIOD, settings(), { now: justAfterEnd })).rejects.toThrow(/2026-11-01T01:00:00.000Z/);
    await expect(settlePeriod(db(), '2026-13', settings())).rejects.toBeInstanceOf(InvalidInputError);
    await expect(settlePeriod(db(), '26-10', settings())).rejects.toThrow(/YYYY-MM/);
    // A job queued for such a period anyway (another hub's clock) fails at once, with the refusal as its reason.
    const prefix = randomQueuePrefix();
    const queue = new Queue(QUEUES.settle, { connection: TEST_CONNECTION, prefix });
    const worker = createSettleWorker({
      db: db(), connection: TEST_CONNECTION, prefix, settings: settings(), concurrency: 1, logger: createLogger('silent'), now: () => justAfterEnd,
    });
    try {
      const { job } = await enqueueSettlement(queue, PERIOD);
      await expect(waitForSettlement(queue, PERIOD, job.id!, { intervalMs: 10 })).rejects.toThrow(/has not ended yet/);
      expect((await queue.getJob(job.id!))!.attemptsMade).toBe(1);
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
    const [counts] = await db().$queryRawUnsafe<{ runs: number; settled: number }[]>(
      `SELECT (SELECT count(*)::int FROM settlement_runs) AS runs, (SELECT count(*)::int FROM supporter_settlements) AS settled`);
    expect(counts).toEqual({ runs: 0, settled: 0 });
  });

  it('a like arriving for a settled period counts in the oldest open period and changes nothing settled', async () => {
    await settlePeriod(db(), PERIOD, settings({ policy: 'charity' }));
    await db().$executeRawUnsafe(`UPDATE supporter_settings SET platforms = '{slack}', trigger_reactions = '{}'`);
    const outcomes = await recordLikes(db(), [likeEvent({ liker: 'T1:S1', author: 'T1:R0', item: 'T1:C9:late', occurredAt: '2026-10-30T10:00:00Z' })], { timeZone: 'UTC', now: () => NOW });
    expect(outcomes).toEqual([{ kind: 'accepted' }]);
    const [row] = await db().$queryRawUnsafe<{ period: string }[]>(`SELECT trim(period) AS period FROM flattrs WHERE item = 'T1:C9:late'`);
    expect(row!.period).toBe('2026-11');
    expect(await ledgerFingerprint(db())).toEqual(clean);
  });
});
