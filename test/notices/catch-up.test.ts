import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveNotices } from '../../src/notices/derive-notices.js';
import { scheduleNoticeCatchUp } from '../../workers/notify.worker.js';
import { createPgliteDatabase, type TestDatabase } from '../support/database.js';
import { addFlattrs, addSupporter, PERIOD, settle } from './support/notice-world.js';
import { startNotifyHarness, type NotifyHarness } from './support/notify-harness.js';

/** A run settled and committed, then the hub stopped before deriving its notices: nothing is lost. */
describe('catching up on notices', () => {
  let h: NotifyHarness;
  beforeAll(async () => {
    h = await startNotifyHarness();
    await addSupporter(h.db, 'slack', 'T1:UANN');
    await addSupporter(h.db, 'slack', 'T2:UBEN');
    await addFlattrs(h.db, [
      { platform: 'slack', supporter: 'T1:UANN', creator: 'T1:UCAROL', community: 'T1', channel: 'C1', item: 'T1:C1:1' },
      { platform: 'slack', supporter: 'T2:UBEN', creator: 'T2:UDAN', community: 'T2', channel: 'C2', item: 'T2:C2:2' },
    ]);
    await settle(h.db);
  }, 60_000);
  afterAll(async () => { await h?.close(); });

  it('derives a settled period nobody derived when a worker starts, and sends it; an uninstalled workspace ends failed with its reason', async () => {
    expect(await h.db.$queryRawUnsafe(`SELECT period FROM notice_periods`)).toEqual([]);
    // T2 uninstalled the app after the month: its bot token is revoked.
    h.slack.revokeWorkspace('T2');
    h.startWorker({ catchUpOnStart: true, sampleMs: 100 });
    await expect.poll(() => h.db.$queryRawUnsafe(`SELECT 1 FROM notice_periods`), { timeout: 10_000 }).toHaveLength(1);
    await h.drained();
    expect(await h.db.$queryRawUnsafe(`SELECT trim(period) AS period, notices FROM notice_periods`)).toEqual([{ period: PERIOD, notices: 4 }]);
    expect(h.slack.posted('C1')).toHaveLength(1);
    expect(h.slack.posted('DUANN')).toHaveLength(1);
    expect((await h.rows()).filter((r) => r.status === 'failed').map((r) => [r.kind, r.reason, r.attempts])).toEqual([
      ['digest', 'token_revoked', 1], ['statement', 'token_revoked', 1],
    ]);
    // The queue depth is sampled for /metrics.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const depth = Object.fromEntries((await h.metrics.notifyQueue.get()).values.map((v) => [v.labels.state, v.value]));
    expect(depth).toMatchObject({ waiting: 0, active: 0, delayed: 0, failed: 2 });
  });

  it('registers the catch-up scheduler once, however many processes start', async () => {
    await scheduleNoticeCatchUp(h.queue);
    await scheduleNoticeCatchUp(h.queue);
    expect((await h.queue.getJobSchedulers()).map((s) => [s.key, s.every])).toEqual([['notices-catch-up', 300_000]]);
    await h.queue.removeJobScheduler('notices-catch-up');
  });
});

describe('deriving notices on the embedded PGlite default', () => {
  let database: TestDatabase;
  beforeAll(async () => { database = await createPgliteDatabase(); });
  afterAll(async () => { await database?.drop(); });

  it('derives the same notices', async () => {
    const db = database.prisma;
    await addSupporter(db, 'slack', 'T1:UANN');
    await addFlattrs(db, [{ platform: 'slack', supporter: 'T1:UANN', creator: 'T1:UCAROL', community: 'T1', channel: 'C1', item: 'T1:C1:1' }]);
    await settle(db);
    expect(await deriveNotices(db, PERIOD, { holdDays: 90, timeZone: 'UTC' })).toEqual({ period: PERIOD, derived: true, notices: 2 });
    const rows = await db.$queryRawUnsafe<{ kind: string; channel: string | null; payload: string }[]>(`SELECT kind, channel, payload FROM notifications ORDER BY id`);
    expect(rows.map((r) => [r.kind, r.channel])).toEqual([['digest', 'C1'], ['statement', null]]);
    expect(JSON.parse(rows[0]!.payload).text).toContain('• <@UCAROL>: €9.00 from 1 supporter');
  });
});
