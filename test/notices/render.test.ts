import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { REST } from 'discord.js';
import { createDiscordNoticeRest, createDiscordNoticeSender } from '../../adapters/discord/send.js';
import { createSlackNoticeSender } from '../../adapters/slack/send.js';
import type { ChatLocale } from '../../src/chat/chat-types.js';
import type { Money } from '../../src/domain/money.js';
import type { NoticeDestination, NoticeKind, NoticePayload, NoticeSender } from '../../src/notices/port.js';
import { renderCreatorStatement } from '../../src/notices/render-creator-statement.js';
import { renderDigest } from '../../src/notices/render-digest.js';
import { renderStatement } from '../../src/notices/render-statement.js';
import { FakeDiscord } from '../fakes/discord/fake-discord.js';
import { startFakeSlackApi, type FakeSlackApi } from '../fakes/slack/fake-slack-api.js';

const FIXTURES = new URL('../fixtures/notices/', import.meta.url);
const eur = (minor: number): Money => ({ minor: BigInt(minor), currency: 'EUR' });
const BACK = new Date('2027-02-25T10:00:00Z');
type Platform = 'slack' | 'discord';

/** The same people on either platform: Slack ids are "TEAM:USER" in identities and "USER" in mentions. */
const carol = { slack: 'UCAROL', discord: '53908232506183680' };
const dave = { slack: 'UDAVE', discord: '53908232506183681' };
const old = { slack: 'UOLD', discord: '53908232506183682' };

function digest(platform: Platform, locale: ChatLocale): NoticePayload[] {
  return renderDigest({
    platform, locale, period: '2026-10', timeZone: 'Europe/Paris',
    creators: [
      { platformUserId: carol[platform], mention: true, name: null, amounts: [eur(1260)], supporters: 2, returnsFrom: BACK },
      { platformUserId: dave[platform], mention: true, name: null, amounts: [eur(450)], supporters: 1 },
      { platformUserId: 'eve', mention: false, name: 'Eve *stars*', amounts: [eur(315), { minor: 300n, currency: 'USD' }], supporters: 2 },
    ],
    reminders: [{ platformUserId: old[platform], mention: true, name: null, amounts: [eur(900)], returnsFrom: new Date('2026-12-27T10:00:00Z') }],
  });
}

function statement(platform: Platform, locale: ChatLocale): NoticePayload {
  const id = (who: { slack: string; discord: string }) => (platform === 'slack' ? `T1:${who.slack}` : who.discord);
  return renderStatement({
    platform, team: 'T1', locale, period: '2026-10', budget: eur(3500), charged: eur(2000), fee: eur(200), flattrs: 5,
    top: [
      { platform, externalId: id(carol), handle: null, amount: eur(900) },
      { platform, externalId: id(dave), handle: null, amount: eur(450) },
      { platform: 'twitter', externalId: '2244994945', handle: 'xdevelopers', amount: eur(270) },
    ],
    more: 2,
  });
}

function creator(platform: Platform, locale: ChatLocale): NoticePayload {
  return renderCreatorStatement({
    platform, locale, period: '2026-10', balances: [eur(2130)],
    income: [
      { platform: 'slack', community: 'T1', communityName: 'Acme', amounts: [eur(1260)], supporters: 2 },
      { platform: 'discord', community: '41771983423143937', communityName: null, amounts: [eur(450)], supporters: 1 },
    ],
  });
}

/**
 * Each notice in English and French on both platforms, sent by the real
 * send halves to the fakes: the fixture is the body the platform received
 * (UPDATE_NOTICE_FIXTURES=1 rewrites them; read them before committing).
 */
describe('notices as the platforms receive them', () => {
  let slack: FakeSlackApi;
  let discord: FakeDiscord;
  let senders: Record<Platform, NoticeSender>;
  beforeAll(async () => {
    slack = await startFakeSlackApi();
    const token = slack.addWorkspace('T1').botToken;
    discord = await FakeDiscord.start();
    let rest: REST | undefined;
    senders = {
      slack: createSlackNoticeSender({ tokenFor: async () => token, clientOptions: { slackApiUrl: slack.url } }),
      discord: createDiscordNoticeSender(() => (rest ??= createDiscordNoticeRest({ token: discord.token, apiUrl: discord.apiUrl }))),
    };
  });
  afterAll(async () => {
    await slack?.close();
    await discord?.close();
  });

  /**
   * Sends a payload and returns the body the fake received (ids that change per run left out). Keys differ per
   * locale: Discord (and its fake) answer a repeated nonce with the first message, whatever the new content.
   */
  async function received(platform: Platform, kind: NoticeKind, payload: NoticePayload, destination: NoticeDestination, key: string) {
    const sent = await senders[platform].send({ id: 1n, key, kind, platform, community: platform === 'slack' ? 'T1' : '', destination, payload });
    if (platform === 'slack') return slack.callsTo('chat.postMessage').find((c) => c.params.channel === sent.channel && c.params.text === payload.text)!.params;
    const { id: _id, channel_id: _c, author: _a, ...body } = (discord.state.posted.get(sent.channel) as Record<string, unknown>[]).find((m) => m.id === sent.messageId)!;
    return body;
  }

  const cases = (['slack', 'discord'] as const).flatMap((platform) => (['en', 'fr'] as const).map((locale) => [platform, locale] as const));

  it.each(cases)('%s, %s: the digest, statement and creator DM match their fixtures', async (platform, locale) => {
    const channel = platform === 'slack' ? 'CNOTICE' : discord.guild.channelId;
    const user = platform === 'slack' ? 'UANN' : '80351110224678901';
    const bodies = {
      digest: await Promise.all(digest(platform, locale).map((p, i) => received(platform, 'digest', p, { channel }, `digest|2026-10|${platform}:${locale}|${i + 1}`))),
      statement: await received(platform, 'statement', statement(platform, locale), { user }, `statement|2026-10|user:${locale}|1`),
      creator: await received(platform, 'creator', creator(platform, locale), { user }, `creator|2026-10|user:${locale}|1`),
    };
    const file = new URL(`${platform}-${locale}.json`, FIXTURES);
    const json = `${JSON.stringify(bodies, null, 2)}\n`;
    if (process.env.UPDATE_NOTICE_FIXTURES === '1' || !existsSync(file)) writeFileSync(file, json);
    expect(json).toBe(readFileSync(file, 'utf8'));
  });

  it('formats amounts with Intl.NumberFormat in the locale, and dates in SETTLEMENT_TZ', () => {
    const [en] = digest('discord', 'en');
    const [fr] = digest('discord', 'fr');
    expect(en!.text).toContain('• <@53908232506183680>: €12.60 from 2 supporters, not collected yet: `/flattr join` before February 25, 2027');
    // French amounts as Intl writes them: decimal comma, a no-break space before the symbol (which one depends on ICU's version).
    expect(fr!.text).toMatch(/12,60[\u00a0\u202f]€/);
    const frPlain = fr!.text.replace(/[\u00a0\u202f]/g, ' ');
    expect(frPlain).toContain('• <@53908232506183680> : 12,60 € de 2 donateurs, pas encore réclamé : `/flattr join` avant le 25 février 2027');
    expect(frPlain).toContain('3,15 € + 3,00 $US');
    // 23:30 UTC on 31 December is already 2027 in Paris.
    const late = renderDigest({ platform: 'discord', locale: 'en', period: '2026-12', timeZone: 'Europe/Paris', reminders: [],
      creators: [{ platformUserId: '1', mention: true, name: null, amounts: [eur(1)], supporters: 1, returnsFrom: new Date('2026-12-31T23:30:00Z') }] });
    expect(late[0]!.text).toContain('before January 1, 2027');
  });

  it('pings only the creators listed with mentions on: Discord allowed_mentions names exactly them, names are escaped', () => {
    for (const platform of ['slack', 'discord'] as const) {
      const [payload] = digest(platform, 'en');
      expect(payload!.mentions).toEqual([carol[platform], dave[platform], old[platform]]);
      expect(payload!.text).not.toMatch(/<@eve>|\*stars\*/);
    }
    expect(digest('discord', 'en')[0]!.text).toContain('• Eve \\*stars\\*: €3.15 + $3.00 from 2 supporters');
  });

  it('tells a supporter whose wallet was empty that nothing was charged and their flattrs sent nothing', () => {
    const payload = renderStatement({ platform: 'slack', team: 'T1', locale: 'en', period: '2026-10', budget: eur(1000), charged: eur(0), fee: eur(0), flattrs: 3, top: [], more: 0 });
    expect(payload.text.split('\n').slice(2, 4)).toEqual([
      'Nothing was charged: your wallet was empty, so your 3 flattrs sent nothing this month.',
      'Budget €10.00, unspent €10.00: your wallet held less than your budget.',
    ]);
  });
});
