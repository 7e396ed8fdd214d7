import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { announcePolling } from '../../../adapters/twitter/poll/announce-polling.js';
import { pollCapacity, pollSettings, pollsPerTick } from '../../../adapters/twitter/poll/poll-settings.js';
import { createLogger } from '../../../src/support/logger.js';
import { post, startPollWorld, type PollWorld } from './poll-harness.js';

const MINUTE = 60_000;
const INTERVAL = 15 * MINUTE;

describe('X polling within X\'s rate limits', () => {
  let world: PollWorld | undefined;
  afterEach(async () => {
    await world?.close();
    world = undefined;
  });

  it('a 429 in the middle of the pages resumes after the reset from where it stopped: no like lost, none sent twice', async () => {
    world = await startPollWorld({ settings: { pageSize: 5, maxPages: 4 } });
    const w = world;
    const fay = '2000000000000000101';
    const old = [post('3000000000000000101'), post('3000000000000000102'), post('3000000000000000103')];
    for (const p of old) w.liked.like(fay, p);
    const { identityId } = await w.connect(fay);
    expect((await w.pollDue()).get(identityId)).toBe('baseline');

    w.advance(INTERVAL);
    const fresh = Array.from({ length: 12 }, (_, i) => post(`30000000000000002${String(i).padStart(2, '0')}`));
    for (const p of fresh) w.liked.like(fay, p);
    // The first page answers; the second is refused with the user's window spent for 10 minutes.
    w.liked.failNextContinuation(fay, w.liked.userLimited(10 * MINUTE));
    const tick1 = (await w.pollDue()).get(identityId);
    expect(tick1).toBe('rate_limited');
    expect(w.emitted.filter((e) => e.liker === fay)).toEqual([]);
    expect(await w.flattrs()).toEqual([]);
    const stopped = await w.state(identityId);
    expect(stopped!.next_poll_at.getTime()).toBe(Math.ceil((w.clock.now.getTime() + 10 * MINUTE) / 1000) * 1000);
    expect(JSON.parse(stopped!.scan!).items).toHaveLength(5);
    expect(await w.metric('flattr_x_poll_requests_total', { outcome: 'rate_limited' })).toBe(1);

    // Not due before the reset, even though its interval would allow it.
    w.advance(5 * MINUTE);
    expect((await w.pollDue()).has(identityId)).toBe(false);

    // A like given meanwhile lands on top; the resumed scan continues after page one's last Post.
    const meanwhile = post('3000000000000000299');
    w.liked.like(fay, meanwhile);
    w.advance(6 * MINUTE);
    expect((await w.pollDue()).get(identityId)).toBe('polled');
    const resumedWith = w.liked.reads.filter((r) => r.userId === fay).at(-2)!;
    expect(resumedWith.paginationToken).toBeDefined();
    expect((await w.flattrs()).map((f) => f.item).sort()).toEqual(fresh.map((p) => p.id).sort());
    const liked = w.emitted.filter((e) => e.liker === fay);
    expect(liked.map((e) => e.item).sort()).toEqual(fresh.map((p) => p.id).sort());
    expect(liked.every((e) => e.action === 'like')).toBe(true);
    // Dated when first read: the first page's five before the 429, the rest when the scan resumed.
    expect(new Set(liked.map((e) => e.occurredAt)).size).toBe(2);

    // The like given meanwhile is the next poll's.
    w.advance(INTERVAL);
    expect((await w.pollDue()).get(identityId)).toBe('polled');
    expect((await w.flattrs()).map((f) => f.item).sort()).toEqual([...fresh, meanwhile].map((p) => p.id).sort());
    expect(w.emitted.filter((e) => e.liker === fay)).toHaveLength(13);
    expect(await w.likeEventCount()).toBe(13);
  });

  it('X\'s per-app limit: a 429 while the user still has requests left holds every poll until the reset, the others wait their turn', async () => {
    world = await startPollWorld({ appLimit: 2 });
    const w = world;
    const users = ['2000000000000000201', '2000000000000000202', '2000000000000000203'];
    const ids: number[] = [];
    for (const u of users) ids.push((await w.connect(u)).identityId);
    const first = await w.pollDue();
    expect([...first.values()].sort()).toEqual(['baseline', 'baseline', 'rate_limited']);
    const limited = ids.find((id) => first.get(id) === 'rate_limited')!;
    expect(await w.metric('flattr_x_poll_requests_total', { outcome: 'rate_limited' })).toBe(1);
    // Paused: no poll calls X until X's reset.
    const reads = w.liked.reads.length;
    w.advance(MINUTE);
    const held = await w.pollDue();
    expect(held.size).toBe(0);
    expect(w.liked.reads.length).toBe(reads);
    // After the reset the one left out goes first: it is the one polled longest ago (never).
    w.advance(INTERVAL);
    w.liked.setAppLimit(75);
    const next = await w.pollDue();
    expect(next.get(limited)).toBe('baseline');
  });

  it('spreads polls over the app\'s window: at most its rate per tick, supporters in turn', async () => {
    world = await startPollWorld({ settings: { tickSeconds: 60, appLimit: 6, appWindowSeconds: 900 } });
    const w = world;
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push((await w.connect(`20000000000000003${String(i).padStart(2, '0')}`)).identityId);
    expect(pollsPerTick(w.deps.settings)).toBe(1);
    const order: number[] = [];
    for (let tick = 0; tick < 4; tick++) {
      order.push(...(await w.pollDue()).keys());
      w.advance(MINUTE);
    }
    expect(order).toEqual(ids);
  });

  it('never starts more polls than the app\'s window has left, and serves first whoever was polled longest ago', async () => {
    world = await startPollWorld({ settings: { intervalSeconds: 60, tickSeconds: 900, appLimit: 6, appWindowSeconds: 900 } });
    const w = world;
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) ids.push((await w.connect(`20000000000000005${String(i).padStart(2, '0')}`)).identityId);
    expect([...(await w.pollDue()).keys()]).toEqual(ids);
    w.advance(MINUTE + 1);
    // All four due again; the window (6 requests) has 2 left.
    expect([...(await w.pollDue()).keys()]).toEqual(ids.slice(0, 2));
    w.advance(MINUTE + 1);
    expect((await w.pollDue()).size).toBe(0);
    expect(w.liked.reads).toHaveLength(6);
    // The next window: the two left out first, polled longest ago.
    w.advance(15 * MINUTE);
    expect([...(await w.pollDue()).keys()]).toEqual([...ids.slice(2), ...ids.slice(0, 2)]);
  });

  it('computes the capacity from the settings, and warns at start and in the metrics when connected supporters exceed it', async () => {
    expect(pollCapacity(pollSettings({ intervalSeconds: 900, maxPages: 1, pageSize: 100 }))).toBe(75);
    expect(pollCapacity(pollSettings({ intervalSeconds: 3600, maxPages: 2, pageSize: 100 }))).toBe(150);
    expect(pollCapacity(pollSettings({ intervalSeconds: 60, maxPages: 3, pageSize: 100 }))).toBe(1);

    world = await startPollWorld({ settings: { intervalSeconds: 60, maxPages: 3 } });
    const w = world;
    const lines: { level: number; msg: string }[] = [];
    const logger = createLogger('info', 'test', { destination: new Writable({ write(chunk, _e, done) { lines.push(JSON.parse(String(chunk))); done(); } }) });
    await w.connect('2000000000000000401');
    expect(await announcePolling(w.db, w.deps.settings, w.metrics, logger)).toEqual({ capacity: 1, supporters: 1 });
    expect(lines.map((l) => l.level)).toEqual([30]);
    await w.connect('2000000000000000402');
    await announcePolling(w.db, w.deps.settings, w.metrics, logger);
    expect(lines).toHaveLength(2);
    expect(lines[1]!.level).toBe(40);
    expect(lines[1]!.msg).toContain('covers 1 supporters, 2 connected with X on: over capacity');
    expect(lines[1]!.msg).toContain('TWITTER_POLL_INTERVAL');
    expect(await w.metric('flattr_x_poll_capacity')).toBe(1);
    expect(await w.metric('flattr_x_poll_supporters')).toBe(2);
    // Every tick keeps the two figures fresh.
    await w.connect('2000000000000000403');
    await w.pollDue();
    expect(await w.metric('flattr_x_poll_supporters')).toBe(3);
  });
});
