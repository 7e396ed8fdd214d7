import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markXDisconnected } from '../../../adapters/twitter/token-store.js';
import { setSupporter } from '../../../src/supporters/set-supporter.js';
import { post, startPollWorld, type PollWorld } from './poll-harness.js';

const INTERVAL = 15 * 60_000;

describe('who is polled: connected supporters with X on, nobody else', () => {
  let world: PollWorld;
  beforeAll(async () => {
    world = await startPollWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('polls neither a supporter who turned X off nor one whose grant was revoked, and calls X for neither', async () => {
    const on = await world.connect('2000000000000000601');
    await world.connect('2000000000000000602', { enable: ['slack'] });
    const revoked = await world.connect('2000000000000000603');
    await markXDisconnected(world.db, revoked.identityId, 'revoked', world.clock.now);
    // An X identity with X on but never connected (a supporter made by `flattr supporter set`): no grant, not polled.
    await setSupporter(world.db, { platform: 'twitter', externalId: '2000000000000000604', budget: '10.00', enable: ['twitter'] });

    const outcomes = await world.pollDue();
    expect([...outcomes.keys()]).toEqual([on.identityId]);
    expect(new Set(world.liked.reads.map((r) => r.userId))).toEqual(new Set(['2000000000000000601']));
    expect(await world.metric('flattr_x_poll_supporters')).toBe(1);
  });

  it('stops polling a supporter who turns X off, and starts again from a baseline when it is back on: likes given meanwhile were not heard', async () => {
    const gus = '2000000000000000611';
    const { identityId } = await world.connect(gus);
    world.advance(INTERVAL);
    expect((await world.pollDue()).get(identityId)).toBe('baseline');
    world.advance(INTERVAL);
    const heard = post('3000000000000000611');
    world.liked.like(gus, heard);
    expect((await world.pollDue()).get(identityId)).toBe('polled');

    await setSupporter(world.db, { platform: 'twitter', externalId: gus, disable: ['twitter'] });
    const reads = world.liked.reads.filter((r) => r.userId === gus).length;
    world.advance(INTERVAL);
    const whileOff = post('3000000000000000612');
    world.liked.like(gus, whileOff);
    expect((await world.pollDue()).has(identityId)).toBe(false);
    expect(world.liked.reads.filter((r) => r.userId === gus)).toHaveLength(reads);

    await setSupporter(world.db, { platform: 'twitter', externalId: gus, enable: ['twitter'] });
    world.advance(INTERVAL);
    expect((await world.pollDue()).get(identityId)).toBe('baseline');
    world.advance(INTERVAL);
    const after = post('3000000000000000613');
    world.liked.like(gus, after);
    expect((await world.pollDue()).get(identityId)).toBe('polled');
    const items = (await world.flattrs()).filter((f) => [heard.id, whileOff.id, after.id].includes(f.item)).map((f) => f.item);
    expect(items.sort()).toEqual([heard.id, after.id].sort());
  });

  it('a supporter disconnected between the tick and the poll is not read: the poll finds no token', async () => {
    const hal = '2000000000000000621';
    const { identityId } = await world.connect(hal);
    world.advance(INTERVAL);
    const { pollTick } = await import('../../../adapters/twitter/poll/poll-tick.js');
    const { pollUser } = await import('../../../adapters/twitter/poll/poll-user.js');
    const started: number[] = [];
    await pollTick({ ...world.deps, enqueuePoll: async (id) => void started.push(id) });
    expect(started).toContain(identityId);
    await markXDisconnected(world.db, identityId, 'disconnected_by_user', world.clock.now);
    expect(await pollUser(world.deps, identityId)).toBe('disconnected');
    expect(world.liked.reads.some((r) => r.userId === hal)).toBe(false);
  });
});
