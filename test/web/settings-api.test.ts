import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngest } from '../support/ingest-harness.js';
import { likeEvent } from '../support/world.js';
import { ingestLikes } from './settings-support.js';
import { createWebWorld, type WebWorld } from './support/web-world.js';

type Settings = { joined: boolean; platforms: string[]; emoji: { mode: string; reactions: string[] }; allowCommunities: string[]; blockCommunities: string[]; statementDms: boolean; mentions: boolean; communities: { id: string }[] };

/** GET and PUT /api/v1/settings: the page's settings for scripts, with the same checks and the same effect on ingest. */
describe('settings API', () => {
  let w: WebWorld;
  let ingest: Awaited<ReturnType<typeof startIngest>>;
  let seq = 0;
  const nextId = () => `T4:U${++seq}API`;
  beforeAll(async () => {
    w = await createWebWorld();
    ingest = await startIngest(w.db, { now: () => w.clock.now });
  });
  afterAll(async () => {
    await ingest?.close();
    await w?.close();
  });

  async function scriptFor(id: string) {
    const { userId, browser } = await w.signedIn('slack', id);
    const csrf = (JSON.parse((await browser.json('GET', '/api/v1/me')).body) as { auth: { csrfToken: string } }).auth.csrfToken;
    const token = (JSON.parse((await browser.json('POST', '/api/v1/tokens', { name: 'settings' }, { 'x-csrf-token': csrf })).body) as { token: string }).token;
    const call = (method: string, body?: unknown) => w.browser().json(method, '/api/v1/settings', body, { authorization: `Bearer ${token}` });
    return { userId, browser, csrf, call };
  }

  it('GET answers 401 signed out, and the settings of a user who has not joined', async () => {
    expect((await w.browser().json('GET', '/api/v1/settings')).status).toBe(401);
    const { call } = await scriptFor(nextId());
    const res = await call('GET');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({
      joined: false, platforms: [], emoji: { mode: 'default', reactions: ['star', 'heart', '+1', 'flattr'] },
      allowCommunities: [], blockCommunities: [], statementDms: true, mentions: true, communities: [{ id: 'T4', platform: 'slack', name: null }],
    });
  });

  it('PUT changes only what it names, joins like /flattr on, and ingest follows it', async () => {
    const id = nextId();
    const { call } = await scriptFor(id);
    const res = await call('PUT', { platforms: { slack: true }, emoji: ['tada'], blockCommunities: ['T9'] });
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as Settings;
    expect(body).toMatchObject({ joined: true, platforms: ['slack'], emoji: { mode: 'custom', reactions: ['tada'] }, blockCommunities: ['T9'] });
    const again = JSON.parse((await call('PUT', { mentions: false })).body) as Settings;
    expect(again).toMatchObject({ platforms: ['slack'], emoji: { mode: 'custom', reactions: ['tada'] }, blockCommunities: ['T9'], mentions: false });

    const like = (more: Parameters<typeof likeEvent>[0]) => likeEvent({ liker: id, author: 'T4:U0AUTHOR', occurredAt: new Date(w.clock.now.getTime() - 60_000).toISOString(), ...more });
    const summary = await ingestLikes(ingest, [
      like({ item: 'T4:C1:1.0', community: 'T4', reaction: 'tada' }),
      like({ item: 'T4:C1:2.0', community: 'T4', reaction: 'star' }),
      like({ item: 'T9:C1:3.0', community: 'T9', reaction: 'tada' }),
    ]);
    expect(summary).toMatchObject({ accepted: 1, ignored: { not_trigger: 1, community_blocked: 1 } });
  });

  it('bad input is a 422 with a readable message and changes nothing; with the session, no CSRF token is a 403', async () => {
    const { userId, browser, csrf, call } = await scriptFor(nextId());
    await call('PUT', { platforms: { slack: true } });
    const before = await w.db.$queryRawUnsafe(`SELECT * FROM supporter_settings WHERE user_id = $1`, userId);
    const cases: [unknown, string][] = [
      [{ emoji: ['star', 'not an emoji!'] }, '"emoji!" is not an emoji'],
      [{ emoji: ['<img>'] }, '"<img>" is not an emoji'],
      [{ emoji: [] }, 'name at least one emoji'],
      [{ blockCommunities: ['../etc'] }, 'blockCommunities: "../etc" is not a community id'],
      [{ allowCommunities: ['T5'], blockCommunities: ['T5'] }, 'community T5 is both allowed and blocked'],
      [{ platforms: { myspace: true } }, 'platforms'],
      [{ colour: 'blue' }, 'colour'],
      [{ statementDms: 'yes' }, 'statementDms'],
    ];
    for (const [body, message] of cases) {
      const res = await call('PUT', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      const error = (JSON.parse(res.body) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('invalid_input');
      expect(error.message).toContain(message);
    }
    expect((await browser.json('PUT', '/api/v1/settings', { mentions: false })).status).toBe(403);
    expect((await browser.json('PUT', '/api/v1/settings', { mentions: false }, { 'x-csrf-token': csrf })).status).toBe(200);
    const after = await w.db.$queryRawUnsafe(`SELECT * FROM supporter_settings WHERE user_id = $1`, userId);
    expect(after).toEqual(before);
  });

  it('statements alone are refused for someone who has not joined', async () => {
    const { call } = await scriptFor(nextId());
    const res = await call('PUT', { statementDms: false });
    expect(res.status).toBe(422);
    expect(res.body).toContain('statements are for supporters');
  });
});
