import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flattrs } from '../../support/world.js';
import { startSlackHub, type SlackHub } from './slack-harness.js';

/** The embedded default (no DATABASE_URL): Slack commands and reactions end in PGlite. */
describe('Slack on the embedded PGlite database', () => {
  let s: SlackHub;
  beforeAll(async () => { s = await startSlackHub({ database: 'pglite' }); });
  afterAll(async () => { await s?.close(); });

  it('takes /flattr join, budget, on and a reaction to a flattr, and an unreaction revokes it', async () => {
    const alice = s.userId('alice');
    for (const text of ['join', 'budget 35', 'on']) expect((await s.command(alice, text)).status).toBe(200);
    const like = s.envelope({ user: 'alice', author: 'bob', message: 'p1', emoji: 'heart' });
    expect((await s.post(like.envelope)).status).toBe(200);
    await s.drain();
    expect((await flattrs(s.database.prisma)).map((f) => [f.item, f.status])).toEqual([[like.item, 'active']]);
    const unlike = s.envelope({ user: 'alice', author: 'bob', message: 'p1', emoji: 'heart', remove: true });
    expect((await s.post(unlike.envelope)).status).toBe(200);
    await s.drain();
    expect((await flattrs(s.database.prisma)).map((f) => [f.item, f.status])).toEqual([[like.item, 'revoked']]);
  });
});
