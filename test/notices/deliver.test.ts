import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setNoticeChannel } from '../../src/chat/set-notice-channel.js';
import { setStatementDms } from '../../src/chat/set-statement-dms.js';
import { enqueueNoticeDerivation } from '../../src/notices/enqueue-notices.js';
import { addFlattrs, addSupporter, PERIOD, settle } from './support/notice-world.js';
import { startNotifyHarness, type NotifyHarness } from './support/notify-harness.js';

const GUILD = '41771983423143937';
const GUILD_CHANNEL = '1166438023365812244';
const LOST_GUILD = '41771983423143938';
const LOST_CHANNEL = '1166438023365899999';

/**
 * The notify worker with the real Slack and Discord clients against the
 * fakes: digests in their channels, statements by DM, a 429 on each
 * platform's first post, and what the platforms refuse for good.
 */
describe('delivering notices', () => {
  let h: NotifyHarness;
  beforeAll(async () => {
    h = await startNotifyHarness();
    const { db } = h;
    // Slack T1: Ann (en) and Ben (fr) flattr Carol (unclaimed) and Dave (a creator who turned statements on).
    await addSupporter(db, 'slack', 'T1:UANN');
    await addSupporter(db, 'slack', 'T1:UBEN', { locale: 'fr' });
    await addSupporter(db, 'slack', 'T1:UDAVE', { wallet: '0' });
    await setStatementDms(db, (await db.$queryRawUnsafe<{ user_id: number }[]>(`SELECT user_id FROM identities WHERE external_id = 'T1:UDAVE'`))[0]!.user_id, true);
    await setNoticeChannel(db, 'slack', 'T1', { channel: 'CNOTICE' });
    // Discord: 801 flattrs 539 (unclaimed); 802 does not accept DMs; 803 flattrs in a guild whose channel the bot lost.
    await addSupporter(db, 'discord', '801');
    await addSupporter(db, 'discord', '802', { budget: '4.00' });
    await addSupporter(db, 'discord', '803', { budget: '2.00' });
    // Slack T2 lost its channel; T3 uninstalled the app.
    await addSupporter(db, 'slack', 'T2:UEVE');
    await addSupporter(db, 'slack', 'T3:UGUS');
    await addFlattrs(db, [
      { platform: 'slack', supporter: 'T1:UANN', creator: 'T1:UCAROL', community: 'T1', channel: 'C1', item: 'T1:C1:1' },
      { platform: 'slack', supporter: 'T1:UANN', creator: 'T1:UDAVE', community: 'T1', channel: 'C1', item: 'T1:C1:2' },
      { platform: 'slack', supporter: 'T1:UBEN', creator: 'T1:UCAROL', community: 'T1', channel: 'C2', item: 'T1:C2:3' },
      { platform: 'discord', supporter: '801', creator: '539', community: GUILD, channel: GUILD_CHANNEL, item: `${GUILD}:${GUILD_CHANNEL}:4` },
      { platform: 'discord', supporter: '802', creator: '539', community: GUILD, channel: GUILD_CHANNEL, item: `${GUILD}:${GUILD_CHANNEL}:5` },
      { platform: 'discord', supporter: '803', creator: '540', community: LOST_GUILD, channel: LOST_CHANNEL, item: `${LOST_GUILD}:${LOST_CHANNEL}:6` },
      { platform: 'slack', supporter: 'T2:UEVE', creator: 'T2:UFAY', community: 'T2', channel: 'CLOST', item: 'T2:CLOST:7' },
      { platform: 'slack', supporter: 'T3:UGUS', creator: 'T3:UHAL', community: 'T3', channel: 'CGONE', item: 'T3:CGONE:8' },
    ]);
    await settle(db);
    h.discord.state.closedDms = new Set(['802']);
    h.discord.state.channelErrors = new Map([[LOST_CHANNEL, { status: 403, code: 50001, message: 'Missing Access' }]]);
    h.slack.failChannel('CLOST', 'channel_not_found');
    // The first post on each platform is refused with a 429 (Slack Retry-After 1 s; Discord 3 s, longer than the client sits out).
    h.slack.rateLimitNext('chat.postMessage', 1, 'CNOTICE');
    h.discord.state.rateLimitNext = { path: `/channels/${GUILD_CHANNEL}/messages`, retryAfterSeconds: 3 };
    h.startWorker();
    await enqueueNoticeDerivation(h.queue, PERIOD);
    await h.drained();
  }, 60_000);
  afterAll(async () => { await h?.close(); });

  it('posts the Slack digest once in the chosen channel, after a 429, mentioning each creator with amount and supporters', async () => {
    const posts = h.slack.posted('CNOTICE');
    expect(posts).toHaveLength(1);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.params.channel === 'CNOTICE').map((c) => c.answered)).toEqual(['ratelimited', 'ok']);
    const text = String(posts[0]!.text);
    expect(text).toContain('An automatic message from the flattr-hub bot');
    expect(text).toContain('• <@UCAROL>: €13.50 from 2 supporters, not collected yet: `/flattr join` before');
    expect(text).toContain('• <@UDAVE>: €4.50 from 1 supporter\n');
    expect(posts[0]).toMatchObject({ unfurl_links: 'false', unfurl_media: 'false' });
  });

  it('posts the Discord digest once in the busiest channel after a 3 s 429, pinging only the listed creator', async () => {
    const posts = h.discordPosts({ channel: GUILD_CHANNEL });
    expect(posts).toHaveLength(1);
    expect(h.discordRequests(`/channels/${GUILD_CHANNEL}/messages`)).toHaveLength(2);
    expect(posts[0]).toMatchObject({
      content: expect.stringContaining('• <@539>: €12.60 from 2 supporters, not collected yet'),
      allowed_mentions: { parse: [], users: ['539'] }, enforce_nonce: true, nonce: expect.stringMatching(/^[\w-]{25}$/),
    });
    const limited = (await h.metrics.noticesRateLimited.get()).values.map((v) => [v.labels.platform, v.value]);
    expect(limited.sort()).toEqual([['discord', 1], ['slack', 1]]);
  });

  it('sends statement DMs with what was charged, in each supporter\'s locale, and the creator DM to the one who opted in', async () => {
    const dm = (user: string) => h.slack.posted(`D${user}`).map((p) => String(p.text));
    expect(dm('UANN')).toEqual([expect.stringContaining('Charged €10.00 for 2 flattrs, of which €1.00 is the hub\'s fee.')]);
    expect(dm('UBEN')[0]).toMatch(/Prélevé : 10,00\s€ pour 1 flattr, dont 1,00\s€ de frais du hub\./);
    expect(dm('UDAVE')).toEqual([expect.stringContaining('• Slack, workspace T1: €4.50 from 1 supporter\nYour balance is now €4.50.')]);
    expect(h.discordPosts({ user: '801' })).toEqual([expect.objectContaining({ content: expect.stringContaining('Charged €10.00 for 1 flattr') })]);
  });

  it('records what the platforms refuse for good with their reasons, tried once and never retried', async () => {
    const rows = await h.rows();
    const failed = rows.filter((r) => r.status !== 'sent').map((r) => ({ kind: r.kind, target: r.target, status: r.status, reason: r.reason, retryable: r.retryable, attempts: r.attempts }));
    expect(failed).toEqual(expect.arrayContaining([
      { kind: 'statement', target: expect.stringMatching(/^user:/), status: 'failed', reason: 'discord_50007', retryable: false, attempts: 1 },
      { kind: 'digest', target: `discord:${LOST_GUILD}`, status: 'failed', reason: 'discord_50001', retryable: false, attempts: 1 },
      { kind: 'digest', target: 'slack:T2', status: 'failed', reason: 'channel_not_found', retryable: false, attempts: 1 },
      { kind: 'digest', target: 'slack:T3', status: 'failed', reason: 'not_installed', retryable: false, attempts: 1 },
      { kind: 'statement', target: expect.stringMatching(/^user:/), status: 'failed', reason: 'not_installed', retryable: false, attempts: 1 },
    ]));
    expect(failed).toHaveLength(5);
    expect(h.discordRequests(`/channels/${h.discord.state.dms.get('802')}/messages`)).toHaveLength(1);
    expect(h.discordRequests(`/channels/${LOST_CHANNEL}/messages`)).toHaveLength(1);
    expect(h.slack.callsTo('chat.postMessage').filter((c) => c.params.channel === 'CLOST')).toHaveLength(1);
    for (const r of rows.filter((x) => x.status === 'sent')) expect(r.message_id).toEqual(expect.any(String));
    const counted = (await h.metrics.notices.get()).values.filter((v) => v.labels.outcome === 'failed').map((v) => [v.labels.platform, v.labels.kind, v.labels.reason, v.value]);
    expect(counted.sort()).toEqual([
      ['discord', 'digest', 'discord_50001', 1], ['discord', 'statement', 'discord_50007', 1],
      ['slack', 'digest', 'channel_not_found', 1], ['slack', 'digest', 'not_installed', 1], ['slack', 'statement', 'not_installed', 1],
    ]);
  });

  it('sends nothing twice after a restart: the new worker catches up and finds nothing to send', async () => {
    const before = { slack: h.slack.callsTo('chat.postMessage').length, discord: h.discord.requests.length };
    await h.stopWorker();
    h.startWorker({ catchUpOnStart: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await h.drained();
    await enqueueNoticeDerivation(h.queue, PERIOD);
    await h.drained();
    expect({ slack: h.slack.callsTo('chat.postMessage').length, discord: h.discord.requests.length }).toEqual(before);
  });
});
