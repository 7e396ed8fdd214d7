import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startPollWorld, type PollWorld } from './poll-harness.js';

const MINUTE = 60_000;
const INTERVAL = 15 * MINUTE;

describe('X answers that fail or do not parse', () => {
  let world: PollWorld;
  beforeAll(async () => {
    world = await startPollWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('a malformed or failing answer for one supporter is logged and retried later; the others are polled all the same', async () => {
    const ivy = '2000000000000000701';
    const jon = '2000000000000000702';
    const kim = '2000000000000000703';
    const a = await world.connect(ivy);
    const b = await world.connect(jon);
    const c = await world.connect(kim);
    await world.pollDue();
    world.advance(INTERVAL);
    const [pi, pj, pk] = [post('3000000000000000701'), post('3000000000000000702'), post('3000000000000000703')];
    world.liked.like(ivy, pi);
    world.liked.like(jon, pj);
    world.liked.like(kim, pk);
    world.liked.failNext(ivy, { status: 200, body: { data: [{ text: 'no id' }], meta: {} } });
    world.liked.failNext(kim, { status: 503, body: { title: 'Service Unavailable' } });

    const outcomes = await world.pollDue();
    expect(outcomes).toEqual(new Map([[a.identityId, 'failed'], [b.identityId, 'polled'], [c.identityId, 'failed']]));
    expect((await world.flattrs()).map((f) => f.item)).toEqual([pj.id]);
    const state = await world.state(a.identityId);
    expect(state!.last_error).toMatch(/^malformed: /);
    expect(state!.failures).toBe(1);
    expect(state!.next_poll_at.getTime()).toBe(world.clock.now.getTime() + MINUTE);
    expect((await world.state(c.identityId))!.last_error).toBe('failed: X answered 503');
    expect(await world.metric('flattr_x_poll_requests_total', { outcome: 'malformed' })).toBe(1);
    expect(await world.metric('flattr_x_poll_requests_total', { outcome: 'failed' })).toBe(1);

    // A minute later both are asked again, answer, and their likes count once.
    world.advance(MINUTE);
    expect(await world.pollDue()).toEqual(new Map([[a.identityId, 'polled'], [c.identityId, 'polled']]));
    expect((await world.flattrs()).map((f) => f.item).sort()).toEqual([pi.id, pj.id, pk.id].sort());
    expect((await world.state(a.identityId))!.failures).toBe(0);
  });

  it('a Post listed without its author is kept in the window but not flattred; the rest of the page counts', async () => {
    const lou = '2000000000000000711';
    const { identityId } = await world.connect(lou);
    world.advance(INTERVAL);
    await world.pollDue();
    world.advance(INTERVAL);
    const good = post('3000000000000000711');
    world.liked.like(lou, good);
    world.liked.failNext(lou, {
      status: 200,
      body: { data: [{ id: '3000000000000000712', text: 'author withheld', edit_history_tweet_ids: ['3000000000000000712'] }, { id: good.id, text: 'ok', author_id: good.authorId }], meta: { result_count: 2 } },
    });
    expect((await world.pollDue()).get(identityId)).toBe('polled');
    expect((await world.flattrs()).filter((f) => ['3000000000000000712', good.id].includes(f.item)).map((f) => f.item)).toEqual([good.id]);
  });

  it('X refusing the access token (401) stops reading for that supporter and tells the token store', async () => {
    const max = '2000000000000000721';
    const { identityId } = await world.connect(max);
    world.advance(INTERVAL);
    await world.pollDue();
    const revoked: number[] = [];
    world.deps.tokens = { ...world.deps.tokens, revoked: async (id) => void revoked.push(id) };
    world.x.revokeUser(max);
    world.advance(INTERVAL);
    // Its token is still fresh in the store, so the poll asks X, which refuses it.
    expect((await world.pollDue()).get(identityId)).toBe('disconnected');
    expect(revoked).toEqual([identityId]);
    expect(await world.metric('flattr_x_poll_requests_total', { outcome: 'unauthorized' })).toBe(1);
  });

  it('events decided but not queued (the likes queue unreachable) are kept and sent by the next poll, with the same event ids', async () => {
    const ned = '2000000000000000731';
    const { identityId } = await world.connect(ned);
    world.advance(INTERVAL);
    await world.pollDue();
    world.advance(INTERVAL);
    const p = post('3000000000000000731');
    world.liked.like(ned, p);
    const emit = world.deps.emitLike;
    world.deps.emitLike = async () => {
      throw new Error('Redis unreachable');
    };
    const { pollUser } = await import('../../../adapters/twitter/poll/poll-user.js');
    const { pollTick } = await import('../../../adapters/twitter/poll/poll-tick.js');
    await pollTick({ ...world.deps, enqueuePoll: async () => {} });
    await expect(pollUser(world.deps, identityId)).rejects.toThrow('Redis unreachable');
    const [kept] = await world.db.$queryRawUnsafe<{ pending: string }[]>(`SELECT pending FROM x_poll_state WHERE identity_id = $1`, identityId);
    const pending = JSON.parse(kept!.pending) as { eventId: string; item: string }[];
    expect(pending.map((e) => e.item)).toEqual([p.id]);
    world.deps.emitLike = emit;

    world.advance(INTERVAL);
    expect((await world.pollDue()).get(identityId)).toBe('polled');
    expect(world.emitted.filter((e) => e.liker === ned).map((e) => e.eventId)).toEqual([pending[0]!.eventId]);
    expect((await world.flattrs()).filter((f) => f.item === p.id).map((f) => f.status)).toEqual(['active']);
    const [after] = await world.db.$queryRawUnsafe<{ pending: string }[]>(`SELECT pending FROM x_poll_state WHERE identity_id = $1`, identityId);
    expect(after!.pending).toBe('[]');
  });
});
