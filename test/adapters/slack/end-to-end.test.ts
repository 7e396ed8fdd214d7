import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSlackFixture } from '../../fixtures/slack/load.js';
import { postToSlackEndpoint } from '../../fakes/slack/slack-requests.js';
import { flattrs } from '../../support/world.js';
import { startSlackHub, type SlackHub } from './slack-harness.js';

type Ephemeral = { response_type: string; text: string };

/** The running hub end to end over Slack's wire protocol: commands, reactions, flattrs in the database. */
describe('Slack end to end', () => {
  let s: SlackHub;
  beforeAll(async () => {
    s = await startSlackHub();
    // Before any lookup: the adapter caches users.info for a few minutes.
    s.fake.setUser(s.team, { id: s.userId('bob'), locale: 'fr-FR' });
  });
  afterAll(async () => { await s?.close(); });

  const flattr = async (user: string, text: string): Promise<Ephemeral> => {
    const res = await s.command(user, text);
    expect(res.status).toBe(200);
    return (await res.json()) as Ephemeral;
  };
  const likeEvents = async () => Number((await s.database.prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*)::int8 AS n FROM like_events`))[0]!.n);

  it('answers url_verification with the challenge', async () => {
    const challenge = loadSlackFixture<{ challenge: string }>('url-verification');
    const res = await s.post(challenge);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: challenge.challenge });
  });

  it('refuses unsigned, wrongly signed, stale and future requests with 401, and records nothing', async () => {
    const { envelope } = s.envelope({ user: 'mallory', author: 'bob', message: 'refused', emoji: 'star' });
    const body = JSON.stringify(envelope);
    const unsigned = await fetch(`${s.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    const base = { now: s.now(), secret: s.secret };
    expect((await postToSlackEndpoint(s.url, body, 'application/json', { ...base, signature: 'v0=deadbeef' })).status).toBe(401);
    const sixMinutes = 6 * 60;
    const nowSec = Math.floor(s.now().getTime() / 1000);
    expect((await postToSlackEndpoint(s.url, body, 'application/json', { ...base, timestamp: nowSec - sixMinutes })).status).toBe(401);
    expect((await postToSlackEndpoint(s.url, body, 'application/json', { ...base, timestamp: nowSec + sixMinutes })).status).toBe(401);
    expect((await postToSlackEndpoint(s.url, body, 'application/json', { ...base, timestamp: nowSec + 4 * 60 })).status).toBe(200);
    const drained = await s.drain();
    expect(drained.events).toBe(0);
    expect(await flattrs(s.database.prisma)).toEqual([]);
  });

  it('answers Slack\'s unsigned SSL check and reads nothing else from it', async () => {
    const body = new URLSearchParams({ ssl_check: '1', token: 'XXYYZZ', command: '/flattr', text: 'join', team_id: s.team, user_id: s.userId('smuggler') }).toString();
    const res = await fetch(`${s.url}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const rows = await s.database.prisma.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM identities WHERE external_id = $1`, `${s.team}:${s.userId('smuggler')}`);
    expect(rows).toEqual([]);
  });

  it('answers 400 to signed but malformed JSON or form bodies', async () => {
    const base = { now: s.now(), secret: s.secret };
    expect((await postToSlackEndpoint(s.url, '{"type":"event_callback",', 'application/json', base)).status).toBe(400);
    expect((await postToSlackEndpoint(s.url, 'payload=%7Bnot-json', 'application/x-www-form-urlencoded', base)).status).toBe(400);
    expect((await postToSlackEndpoint(s.url, '[1,2,3]', 'application/json', base)).status).toBe(400);
  });

  it('runs /flattr join, budget and on, with helpful replies to bad input', async () => {
    const alice = s.userId('alice');
    const join = await flattr(alice, 'join');
    expect(join.response_type).toBe('ephemeral');
    expect(join.text).toContain('Welcome');
    expect((await flattr(alice, 'budget 35')).text).toContain('€35.00 a month');
    expect((await flattr(alice, 'on')).text).toBe('Your reactions on slack now become flattrs.');
    expect((await flattr(alice, 'budget 35,5')).text).toContain('"35,5" is not an amount');
    expect((await flattr(alice, 'frobnicate')).text).toContain('I don\'t know "frobnicate"');
    expect((await flattr(alice, '')).text).toContain('/flattr budget 35');
    const bob = s.userId('bob');
    expect((await flattr(bob, 'join')).text).toContain('Bienvenue');
    expect((await flattr(bob, 'budget 20 EUR')).text).toContain('20,00');
    await flattr(bob, 'on');
    expect(s.fake.callsTo('users.info').some((c) => c.params.user === bob && c.params.include_locale)).toBe(true);
  });

  it('turns reactions from several users into flattrs, honours an unreaction, and ignores bots, files and retries', async () => {
    const [alice, bob, carol, dave] = ['alice', 'bob', 'carol', 'dave'];
    const robot = 'robot';
    s.fake.setUser(s.team, { id: s.userId(robot), is_bot: true });
    await flattr(s.userId(robot), 'join');
    await flattr(s.userId(robot), 'on');
    const a1 = s.envelope({ user: alice, author: carol, message: 'm1', emoji: 'star' });
    const b1 = s.envelope({ user: bob, author: carol, message: 'm1', emoji: 'heart' });
    const a2 = s.envelope({ user: alice, author: dave, message: 'm2', emoji: '+1::skin-tone-2' });
    const a1off = s.envelope({ user: alice, author: carol, message: 'm1', emoji: 'star', remove: true });
    const bot = s.envelope({ user: robot, author: carol, message: 'm3', emoji: 'star' });
    const self = s.envelope({ user: bob, author: bob, message: 'm4', emoji: 'star' });
    const onBot = s.envelope({ user: alice, author: robot, message: 'm8', emoji: 'star' });
    const file = loadSlackFixture<{ team_id: string; event: { user: string } }>('reaction-added-file');
    Object.assign(file, { team_id: s.team, event_id: 'EvFILE1' });
    file.event.user = s.userId(alice);
    for (const d of [a1, b1, a2, bot, self, onBot]) expect((await s.post(d.envelope)).status).toBe(200);
    expect((await s.post(b1.envelope, { retryNum: 1 })).status).toBe(200);
    expect((await s.post(file)).status).toBe(200);
    await s.drain();
    expect((await s.post(a1off.envelope)).status).toBe(200);
    expect((await s.post(a1off.envelope, { retryNum: 2 })).status).toBe(200);
    const drained = await s.drain();

    const id = (name: string) => `${s.team}:${s.userId(name)}`;
    const rows = (await flattrs(s.database.prisma)).map((f) => ({ item: f.item, status: f.status, recipient: f.recipient }));
    expect(rows).toEqual(expect.arrayContaining([
      { item: a1.item, status: 'revoked', recipient: id(carol) },
      { item: b1.item, status: 'active', recipient: id(carol) },
      { item: a2.item, status: 'active', recipient: id(dave) },
    ]));
    expect(rows).toHaveLength(3);
    expect(drained.ignored).toMatchObject({ bot_user: 1, bot_author: 1, file_item: 1, self_like: 1 });
    expect(await likeEvents()).toBe(4);
    expect((await flattr(s.userId(alice), 'status')).text).toContain('1 flattr waiting for the month-end split');
  });

  it('withdraws a flattr with /flattr undo and a Slack permalink', async () => {
    const d = s.envelope({ user: 'alice', author: 'erin', message: 'm5', emoji: 'star' });
    await s.post(d.envelope);
    await s.drain();
    const [, channel, ts] = d.item.split(':');
    const link = `<https://example.slack.com/archives/${channel}/p${ts!.replace('.', '')}>`;
    expect((await flattr(s.userId('alice'), `undo ${link}`)).text).toBe('Done: 1 flattr withdrawn.');
    expect((await flattrs(s.database.prisma)).find((f) => f.item === d.item)?.status).toBe('revoked');
  });

  it('lets a workspace admin choose the payout notice channel', async () => {
    const admin = s.userId('admin');
    s.fake.setUser(s.team, { id: admin, is_admin: true });
    expect((await flattr(s.userId('alice'), 'channel')).text).toContain('Only community admins');
    const inDm = await s.command(admin, 'channel', { channel_id: 'D0ADMIN', channel_name: 'directmessage' });
    expect(((await inDm.json()) as Ephemeral).text).toContain('inside the channel');
    expect((await flattr(admin, 'channel')).text).toBe('Payout notices for this community will be posted in <#C0GENERAL>.');
    const rows = await s.database.prisma.$queryRawUnsafe<{ notice_channel: string }[]>(
      `SELECT notice_channel FROM communities WHERE platform = 'slack' AND external_id = $1`, s.team);
    expect(rows).toEqual([{ notice_channel: 'C0GENERAL' }]);
  });

  it('acknowledges interactivity it does not use, and counts it', async () => {
    const payload = JSON.stringify({ ...loadSlackFixture('block-actions'), team: { id: s.team, domain: 'example' } });
    const res = await postToSlackEndpoint(s.url, new URLSearchParams({ payload }).toString(), 'application/x-www-form-urlencoded', { now: s.now(), secret: s.secret });
    expect(res.status).toBe(200);
    expect((await s.drain()).ignored.unhandled_interaction).toBe(1);
  });

  it('sends notices to a channel and as a DM through the Web API', async () => {
    const adapter = s.adapter() as unknown as { send(n: unknown): Promise<{ channel: string; ts: string }> };
    const before = s.fake.calls.length;
    const inChannel = await adapter.send({ team: s.team, channel: 'C0GENERAL', text: 'flattr-hub (bot): 3 flattrs this month' });
    const dm = await adapter.send({ team: s.team, user: s.userId('carol'), text: 'flattr-hub (bot): you have €6.30 waiting' });
    expect(inChannel.channel).toBe('C0GENERAL');
    const calls = s.fake.calls.slice(before).map((c) => ({ method: c.method, token: c.token, channel: c.params.channel, users: c.params.users }));
    expect(calls).toEqual([
      { method: 'chat.postMessage', token: `xoxb-${s.team}-fake`, channel: 'C0GENERAL', users: undefined },
      { method: 'conversations.open', token: `xoxb-${s.team}-fake`, channel: undefined, users: s.userId('carol') },
      { method: 'chat.postMessage', token: `xoxb-${s.team}-fake`, channel: dm.channel, users: undefined },
    ]);
  });

  it('turns a 429 from Slack into a SlackRateLimitedError carrying Retry-After, without sleeping on it', async () => {
    const adapter = s.adapter() as unknown as { send(n: unknown): Promise<unknown> };
    s.fake.rateLimitNext('chat.postMessage', 30);
    const started = Date.now();
    await expect(adapter.send({ team: s.team, channel: 'C0GENERAL', text: 'flattr-hub (bot): hello' }))
      .rejects.toMatchObject({ code: 'SLACK_RATE_LIMITED', retryAfterSeconds: 30 });
    expect(Date.now() - started).toBeLessThan(2_000);
    await expect(adapter.send({ team: s.team, channel: 'C0GENERAL', text: 'flattr-hub (bot): hello' })).resolves.toMatchObject({ channel: 'C0GENERAL' });
  });

  it('answers commands without users.info when Slack fails it, but makes Slack redeliver a reaction it could not check', async () => {
    const flaky = s.userId('flaky');
    s.fake.setUser(s.team, { id: flaky, broken: true });
    const started = Date.now();
    expect((await flattr(flaky, 'join')).text).toContain('Welcome');
    const d = s.envelope({ user: 'flaky', author: 'carol', message: 'm7', emoji: 'star' });
    expect((await s.post(d.envelope)).status).toBe(500);
    expect(Date.now() - started).toBeLessThan(2_500);
    s.fake.setUser(s.team, { id: flaky });
    expect((await s.post(d.envelope, { retryNum: 1 })).status).toBe(200);
  });

  it('answers 503 while the adapter is stopped, so Slack retries, and serves again once restarted', async () => {
    const d = s.envelope({ user: 'alice', author: 'frank', message: 'm6', emoji: 'star' });
    await s.adapter().stop();
    await s.adapter().stop();
    expect((await s.post(d.envelope)).status).toBe(503);
    await s.adapter().start();
    await s.adapter().start();
    expect((await s.post(d.envelope, { retryNum: 1 })).status).toBe(200);
    expect((await s.drain()).active).toContain(d.item);
  });
});
