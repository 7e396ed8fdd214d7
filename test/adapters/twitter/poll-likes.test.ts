import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueLike } from '../../../src/ingest/enqueue-like.js';
import { post, startPollWorld, type PollWorld } from './poll-harness.js';

const MINUTE = 60_000;
const INTERVAL = 15 * MINUTE;

describe('X likes by polling liked_tweets, into the same ingest path', () => {
  let world: PollWorld;
  beforeAll(async () => {
    world = await startPollWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('records nothing on the first poll (likes given before the hub could hear them), then each new like once across polls, dated when first seen', async () => {
    const alice = '2000000000000000001';
    const before = [post('3000000000000000001'), post('3000000000000000002')];
    for (const p of before) world.liked.like(alice, p);
    const { identityId } = await world.connect(alice);

    expect((await world.pollDue()).get(identityId)).toBe('baseline');
    expect(await world.flattrs()).toEqual([]);

    world.advance(INTERVAL);
    const fresh = post('3000000000000000003');
    world.liked.like(alice, fresh);
    const seenAt = world.clock.now.toISOString();
    expect((await world.pollDue()).get(identityId)).toBe('polled');
    expect(await world.flattrs()).toEqual([{ item: fresh.id, status: 'active', recipient: fresh.authorId, period: '2026-11' }]);
    const [flattr] = await world.db.$queryRawUnsafe<{ occurred_at: Date }[]>(`SELECT occurred_at FROM flattrs WHERE item = $1`, fresh.id);
    expect(flattr!.occurred_at.toISOString()).toBe(seenAt);

    // Polls with nothing new send nothing: the like is not counted again.
    const events = await world.likeEventCount();
    for (let i = 0; i < 3; i++) {
      world.advance(INTERVAL);
      expect((await world.pollDue()).get(identityId)).toBe('polled');
    }
    expect(await world.likeEventCount()).toBe(events);
    expect(await world.flattrs()).toHaveLength(1);
    // Every read counted; X bills a Post once per UTC day however often it is read.
    expect(await world.metric('flattr_x_posts_read_total')).toBe(2 + 3 * 4);
    expect(await world.metric('flattr_x_posts_billed_total')).toBe(3);
    world.advance(24 * 3600_000);
    await world.pollDue();
    expect(await world.metric('flattr_x_posts_billed_total')).toBe(6);
    // Not due yet: the tick leaves a supporter alone until the interval has passed.
    world.advance(MINUTE);
    expect((await world.pollDue()).has(identityId)).toBe(false);
  });

  it('a like taken back is an unlike that revokes the flattr; given again, it is a flattr again', async () => {
    const bob = '2000000000000000002';
    const kept = post('3000000000000000011');
    world.liked.like(bob, kept);
    const { identityId } = await world.connect(bob);
    await world.pollDue();
    world.advance(INTERVAL);
    const liked = post('3000000000000000012');
    world.liked.like(bob, liked);
    await world.pollDue();
    expect((await world.flattrs()).find((f) => f.item === liked.id)?.status).toBe('active');

    world.advance(INTERVAL);
    world.liked.unlike(bob, liked.id);
    expect((await world.pollDue()).get(identityId)).toBe('polled');
    expect((await world.flattrs()).find((f) => f.item === liked.id)?.status).toBe('revoked');
    const unlike = world.emitted.at(-1)!;
    expect(unlike).toMatchObject({ action: 'unlike', platform: 'twitter', liker: bob, author: liked.authorId, item: liked.id, occurredAt: world.clock.now.toISOString() });

    world.advance(INTERVAL);
    world.liked.like(bob, liked);
    await world.pollDue();
    expect((await world.flattrs()).find((f) => f.item === liked.id)?.status).toBe('active');
    // The like that stayed was never touched.
    expect((await world.flattrs()).find((f) => f.item === kept.id)).toBeUndefined();
  });

  it('a like taken back and given again between two polls moves to the top: a like again, never an unlike', async () => {
    const carol = '2000000000000000003';
    const [a, b, c] = [post('3000000000000000021'), post('3000000000000000022'), post('3000000000000000023')];
    const { identityId } = await world.connect(carol);
    await world.pollDue();
    for (const p of [a, b, c]) {
      world.advance(INTERVAL);
      world.liked.like(carol, p);
      await world.pollDue();
    }
    const events = world.emitted.length;
    world.advance(INTERVAL);
    world.liked.like(carol, a); // unliked and liked again: now the newest
    expect((await world.pollDue()).get(identityId)).toBe('polled');
    expect(world.emitted.slice(events)).toEqual([expect.objectContaining({ action: 'like', item: a.id, occurredAt: world.clock.now.toISOString() })]);
    expect((await world.flattrs()).filter((f) => [a.id, b.id, c.id].includes(f.item)).map((f) => f.status)).toEqual(['active', 'active', 'active']);
  });

  it('a like heard by the webhook and again by the poller is one flattr; the poller\'s unlike revokes it', async () => {
    const dan = '2000000000000000004';
    const { identityId } = await world.connect(dan);
    await world.pollDue();
    world.advance(INTERVAL - 5 * MINUTE);
    const p = post('3000000000000000031');
    world.liked.like(dan, p);
    // The webhook's event (H4's route is not in yet: its LikeEvent, shaped as the webhook makes it from a
    // like.create delivery, through the same entry, enqueueLike): X's event_uuid, the like's own time.
    await enqueueLike(world.likes, {
      platform: 'twitter', eventId: 'b1f3c2d4-0000-4000-8000-000000000031', action: 'like', liker: dan, author: p.authorId, item: p.id,
      occurredAt: world.clock.now.toISOString(),
    });
    await world.drained();
    expect((await world.flattrs()).filter((f) => f.item === p.id)).toEqual([{ item: p.id, status: 'active', recipient: p.authorId, period: '2026-11' }]);

    world.advance(5 * MINUTE);
    expect((await world.pollDue()).get(identityId)).toBe('polled');
    // The poller sees the like the webhook heard, and sends nothing for it.
    expect(world.emitted.some((e) => e.item === p.id)).toBe(false);
    expect((await world.flattrs()).filter((f) => f.item === p.id)).toEqual([{ item: p.id, status: 'active', recipient: p.authorId, period: '2026-11' }]);
    const [counted] = await world.db.$queryRawUnsafe<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM reaction_states WHERE item = $1 AND active`, p.id,
    );
    expect(counted!.n).toBe(1);

    world.advance(INTERVAL);
    world.liked.unlike(dan, p.id);
    await world.pollDue();
    expect((await world.flattrs()).filter((f) => f.item === p.id).map((f) => f.status)).toEqual(['revoked']);
  });

  it('an unlike seen by polling revokes a like only the webhook heard (the poller\'s first look found it already there)', async () => {
    const erin = '2000000000000000005';
    const p = post('3000000000000000041');
    const { identityId } = await world.connect(erin);
    world.liked.like(erin, p);
    await enqueueLike(world.likes, {
      platform: 'twitter', eventId: 'b1f3c2d4-0000-4000-8000-000000000041', action: 'like', liker: erin, author: p.authorId, item: p.id,
      occurredAt: world.clock.now.toISOString(),
    });
    await world.drained();
    world.advance(MINUTE);
    expect((await world.pollDue()).get(identityId)).toBe('baseline');
    expect(world.emitted.some((e) => e.item === p.id)).toBe(false);
    expect((await world.flattrs()).filter((f) => f.item === p.id).map((f) => f.status)).toEqual(['active']);

    world.advance(INTERVAL);
    world.liked.unlike(erin, p.id);
    expect((await world.pollDue()).get(identityId)).toBe('polled');
    expect((await world.flattrs()).filter((f) => f.item === p.id).map((f) => f.status)).toEqual(['revoked']);
  });
  it('a like the webhook heard on the last evening of a month, first seen by the poller the next month, is one flattr in the first month', async () => {
    const fay = '2000000000000000006';
    const { identityId } = await world.connect(fay);
    world.clock.now = new Date('2026-11-30T23:40:00.000Z');
    await world.pollDue();
    world.advance(10 * MINUTE);
    const p = post('3000000000000000051');
    world.liked.like(fay, p);
    await enqueueLike(world.likes, {
      platform: 'twitter', eventId: 'b1f3c2d4-0000-4000-8000-000000000051', action: 'like', liker: fay, author: p.authorId, item: p.id,
      occurredAt: world.clock.now.toISOString(),
    });
    await world.drained();
    world.advance(INTERVAL);
    expect(world.clock.now.toISOString().slice(0, 7)).toBe('2026-12');
    expect((await world.pollDue()).get(identityId)).toBe('polled');
    expect((await world.flattrs()).filter((f) => f.item === p.id)).toEqual([{ item: p.id, status: 'active', recipient: p.authorId, period: '2026-11' }]);
    // Taken back in December: the poller's unlike is sent (the like stayed in its window).
    world.advance(INTERVAL);
    world.liked.unlike(fay, p.id);
    await world.pollDue();
    expect(world.emitted.filter((e) => e.item === p.id).map((e) => e.action)).toEqual(['unlike']);
  });
});
