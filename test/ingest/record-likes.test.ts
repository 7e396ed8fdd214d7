import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordLikes } from '../../src/ingest/record-likes.js';
import type { LikeEvent } from '../../src/domain/like-event.js';
import { DATABASES, type TestDatabase } from '../support/database.js';
import { flattrs, likeEvent, supporter } from '../support/world.js';

/** Money rules 2–4, on PostgreSQL and on the embedded PGlite default. */
describe.each(Object.entries(DATABASES))('recordLikes on %s', (_kind, create) => {
  let database: TestDatabase;
  beforeAll(async () => { database = await create(); });
  afterAll(async () => { await database?.drop(); });
  beforeEach(async () => {
    await database.prisma.$executeRawUnsafe(
      `TRUNCATE users, identities, supporter_settings, like_events, reaction_states, flattrs, settlement_runs RESTART IDENTITY CASCADE`,
    );
  });
  // The hub's clock: early December, so November is the previous period and December the current one.
  let now = new Date('2026-12-03T12:00:00Z');
  const record = (events: LikeEvent[], timeZone = 'UTC') => recordLikes(database.prisma, events, { timeZone, now: () => now });

  it('makes one flattr per (supporter, item, period) and an unclaimed identity for an unknown creator', async () => {
    await supporter(database.prisma, 'slack', 'T1:U1');
    const outcomes = await record([likeEvent(), likeEvent({ reaction: 'heart' }), likeEvent({ item: 'T1:C1:2' })]);
    expect(outcomes.map((o) => o.kind)).toEqual(['accepted', 'accepted', 'accepted']);
    const rows = await flattrs(database.prisma);
    expect(rows).toEqual([
      expect.objectContaining({ item: 'T1:C1:1700000000.000100', period: '2026-11', status: 'active', recipient: 'T1:U2', claimed: false }),
      expect.objectContaining({ item: 'T1:C1:2', status: 'active' }),
    ]);
  });

  it('counts a duplicate delivery once, in one batch or across batches', async () => {
    await supporter(database.prisma, 'slack', 'T1:U1');
    const event = likeEvent();
    expect((await record([event, event])).map((o) => o.kind)).toEqual(['accepted', 'duplicate']);
    expect((await record([event])).map((o) => o.kind)).toEqual(['duplicate']);
    expect(await flattrs(database.prisma)).toHaveLength(1);
  });

  it('converges like → unlike → like whatever the delivery order, in one batch or one by one', async () => {
    await supporter(database.prisma, 'slack', 'T1:U1');
    const sequences: [string, LikeEvent['action']][][] = [
      [['10:00', 'like'], ['11:00', 'unlike'], ['12:00', 'like']],
      [['10:00', 'like'], ['11:00', 'unlike']],
    ];
    for (const [index, sequence] of sequences.entries()) {
      const events = sequence.map(([time, action]) => likeEvent({ item: `T1:C1:seq${index}`, action, occurredAt: `2026-11-10T${time}:00.000Z` }));
      // A flattr that was never active in the database has no row at all; either way it is not active.
      const expected = sequence.at(-1)![1] === 'like';
      for (const order of permutations(events)) {
        await database.prisma.$executeRawUnsafe(`TRUNCATE like_events, reaction_states, flattrs`);
        for (const event of order) await record([event]);
        expect((await flattrs(database.prisma))[0]?.status === 'active').toBe(expected);
        await database.prisma.$executeRawUnsafe(`TRUNCATE like_events, reaction_states, flattrs`);
        await record(order);
        expect((await flattrs(database.prisma))[0]?.status === 'active').toBe(expected);
      }
    }
  });

  it('keeps a flattr while one trigger reaction remains and revokes it when the last goes', async () => {
    await supporter(database.prisma, 'slack', 'T1:U1');
    await record([likeEvent({ reaction: 'star', occurredAt: '2026-11-10T10:00:00Z' }), likeEvent({ reaction: 'heart', occurredAt: '2026-11-10T10:01:00Z' })]);
    await record([likeEvent({ action: 'unlike', reaction: 'star', occurredAt: '2026-11-10T10:02:00Z' })]);
    expect((await flattrs(database.prisma))[0]?.status).toBe('active');
    await record([likeEvent({ action: 'unlike', reaction: 'joy', occurredAt: '2026-11-10T10:03:00Z' })]);
    expect((await flattrs(database.prisma))[0]?.status).toBe('active');
    await record([likeEvent({ action: 'unlike', reaction: 'heart', occurredAt: '2026-11-10T10:04:00Z' })]);
    expect((await flattrs(database.prisma))[0]?.status).toBe('revoked');
  });

  it('ignores self-likes, non-supporters, platforms not opted in, non-trigger reactions and blocked communities', async () => {
    await supporter(database.prisma, 'slack', 'T1:U1', { block: ['T-BAD'] });
    await supporter(database.prisma, 'slack', 'T1:U3', { enable: [] });
    const outcomes = await record([
      likeEvent({ author: 'T1:U1' }),
      likeEvent({ liker: 'T1:U9' }),
      likeEvent({ liker: 'T1:U3' }),
      likeEvent({ reaction: 'joy' }),
      likeEvent({ community: 'T-BAD' }),
    ]);
    expect(outcomes).toEqual([
      { kind: 'ignored', reason: 'self_like' },
      { kind: 'ignored', reason: 'not_supporter' },
      { kind: 'ignored', reason: 'platform_off' },
      { kind: 'ignored', reason: 'not_trigger' },
      { kind: 'ignored', reason: 'community_blocked' },
    ]);
    expect(await flattrs(database.prisma)).toEqual([]);
  });

  it('treats a like of a creator who is the same user on another platform as a self-like', async () => {
    const view = await supporter(database.prisma, 'slack', 'T1:U1', { enable: ['slack', 'discord'] });
    await database.prisma.$executeRawUnsafe(`INSERT INTO identities (platform, external_id, user_id) VALUES ('discord', 'D1', $1)`, view.userId);
    await database.prisma.$executeRawUnsafe(`INSERT INTO identities (platform, external_id, user_id) VALUES ('discord', 'D-SUPPORTER', $1)`, view.userId);
    const outcomes = await record([likeEvent({ platform: 'discord', liker: 'D-SUPPORTER', author: 'D1', item: 'G:C:M', community: 'G' })]);
    expect(outcomes).toEqual([{ kind: 'ignored', reason: 'self_like' }]);
  });

  it('puts likes in the period of SETTLEMENT_TZ', async () => {
    await supporter(database.prisma, 'slack', 'T1:U1');
    const lateNovemberUtc = '2026-11-30T23:30:00.000Z';
    await record([likeEvent({ item: 'T1:C1:utc', occurredAt: lateNovemberUtc })], 'UTC');
    await record([likeEvent({ item: 'T1:C1:paris', occurredAt: lateNovemberUtc })], 'Europe/Paris');
    const rows = await flattrs(database.prisma);
    expect(rows.map((r) => [r.item, r.period])).toEqual([['T1:C1:paris', '2026-12'], ['T1:C1:utc', '2026-11']]);
  });

  it('moves a like for a period whose settlement started into the next open period, and never touches the settled one', async () => {
    now = new Date('2026-11-20T12:00:00Z');
    try {
      await supporter(database.prisma, 'slack', 'T1:U1');
      await record([likeEvent({ item: 'T1:C1:old', occurredAt: '2026-10-20T10:00:00Z' })]);
      await startRun('2026-10');
      await record([
        likeEvent({ item: 'T1:C1:late', occurredAt: '2026-10-31T23:59:00Z' }),
        likeEvent({ item: 'T1:C1:old', action: 'unlike', occurredAt: '2026-10-21T10:00:00Z' }),
      ]);
      const rows = await flattrs(database.prisma);
      expect(rows.map((r) => [r.item, r.period, r.status])).toEqual([
        ['T1:C1:late', '2026-11', 'active'],
        ['T1:C1:old', '2026-10', 'active'],
      ]);
    } finally {
      now = new Date('2026-12-03T12:00:00Z');
    }
  });

  const startRun = (period: string) => database.prisma.$executeRawUnsafe(
    `INSERT INTO settlement_runs (period, status, fee_bps, policy, cutoff) VALUES ($1, 'running', 1000, 'keep', now())`, period);
  const periodsOf = async () => (await flattrs(database.prisma)).map((r) => [r.item, r.period]);

  it('counts a like in its own period while that is the current or previous one and has not started settling (money rule 2)', async () => {
    await supporter(database.prisma, 'slack', 'T1:U1');
    await record([
      likeEvent({ item: 'T1:C1:dec', occurredAt: '2026-12-01T00:00:00Z' }),
      likeEvent({ item: 'T1:C1:nov', occurredAt: '2026-11-30T23:59:59Z' }),
    ]);
    expect(await periodsOf()).toEqual([['T1:C1:dec', '2026-12'], ['T1:C1:nov', '2026-11']]);
  });

  it('puts an older like in the oldest open of the previous and current periods, never in a period nobody will settle', async () => {
    await supporter(database.prisma, 'slack', 'T1:U1');
    // September and October will never be settled again (the hub may have been down, or the like imported late).
    await record([likeEvent({ item: 'T1:C1:sep', occurredAt: '2026-09-15T10:00:00Z' })]);
    await startRun('2026-11');
    await record([
      likeEvent({ item: 'T1:C1:oct', occurredAt: '2026-10-15T10:00:00Z' }),
      likeEvent({ item: 'T1:C1:nov-late', occurredAt: '2026-11-29T10:00:00Z' }),
    ]);
    expect(await periodsOf()).toEqual([['T1:C1:nov-late', '2026-12'], ['T1:C1:oct', '2026-12'], ['T1:C1:sep', '2026-11']]);
  });

  it('refuses a like dated more than 5 minutes ahead of the clock, and takes one within that skew in its own period', async () => {
    await supporter(database.prisma, 'slack', 'T1:U1');
    now = new Date('2026-12-31T23:58:00Z');
    try {
      const outcomes = await record([
        likeEvent({ item: 'T1:C1:skew', occurredAt: '2027-01-01T00:02:00Z' }),
        likeEvent({ item: 'T1:C1:future', occurredAt: '2027-01-01T00:04:00Z' }),
      ]);
      expect(outcomes).toEqual([{ kind: 'accepted' }, { kind: 'ignored', reason: 'future_dated' }]);
      expect(await periodsOf()).toEqual([['T1:C1:skew', '2027-01']]);
    } finally {
      now = new Date('2026-12-03T12:00:00Z');
    }
  });

  it('judges opt-ins when the like is processed: an import after joining counts a like refused before', async () => {
    const event = likeEvent();
    expect(await record([event])).toEqual([{ kind: 'ignored', reason: 'not_supporter' }]);
    await supporter(database.prisma, 'slack', 'T1:U1');
    expect(await record([event])).toEqual([{ kind: 'accepted' }]);
  });

  it('keeps concurrent batches on one flattr consistent', async () => {
    await supporter(database.prisma, 'slack', 'T1:U1');
    await record([likeEvent({ reaction: 'star', occurredAt: '2026-11-10T10:00:00Z' })]);
    // One batch adds a heart while another removes the star: the heart must keep the flattr.
    await Promise.all([
      record([likeEvent({ reaction: 'heart', occurredAt: '2026-11-10T10:05:00Z' })]),
      record([likeEvent({ action: 'unlike', reaction: 'star', occurredAt: '2026-11-10T10:06:00Z' })]),
    ]);
    expect((await flattrs(database.prisma))[0]?.status).toBe('active');
  });
});

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}
