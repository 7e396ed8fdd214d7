import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayIntentBits } from 'discord.js';
import { waitFor } from '../../fakes/discord/fake-discord.js';
import { discordFixture } from '../../fixtures/discord/load.js';
import { startDiscordHarness } from './harness.js';

const LIKER = '80351110224678912';
const LIKER2 = '80351110224678913';
const AUTHOR = '53908232506183680';

describe('discord adapter against the fake gateway and REST API', () => {
  let h: Awaited<ReturnType<typeof startDiscordHarness>>;
  let clock = new Date('2026-11-10T12:00:00.000Z');
  let messageId = 1_300_000_000_000_000_000n;
  const nextMessage = () => String(messageId++);

  beforeAll(async () => {
    h = await startDiscordHarness({ now: () => clock, commandScope: 'guild' });
    await h.adapter.start();
  });
  afterAll(async () => { await h?.close(); });
  beforeEach(() => {
    h.recorded.events.length = 0;
    h.recorded.ignored.length = 0;
  });
  const settle = async (events: number, ignored = 0) => {
    await waitFor(() => h.recorded.events.length >= events && h.recorded.ignored.length >= ignored, `${events} events and ${ignored} ignores`);
    await h.adapter.idle();
  };

  it('connects once with the reaction intents and registers /flattr in the guild', async () => {
    await h.adapter.start();
    expect(h.fake.gateway.identifies).toBe(1);
    const intents = h.fake.gateway.intents!;
    for (const bit of [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions, GatewayIntentBits.DirectMessageReactions]) {
      expect(intents & bit).toBe(bit);
    }
    const [command] = h.fake.state.commands.get(h.fake.guild.id) as { name: string; options: { name: string }[] }[];
    expect(command!.name).toBe('flattr');
    expect(command!.options.map((o) => o.name)).toEqual(['join', 'budget', 'on', 'off', 'emoji', 'status', 'undo', 'link', 'login', 'topup', 'channel', 'statement', 'mentions', 'help']);
  });

  it('turns an add and a remove into like and unlike stamped with the injected clock', async () => {
    const m = nextMessage();
    clock = new Date('2026-11-10T12:00:00.000Z');
    h.fake.react('add', { messageId: m, userId: LIKER, emoji: '⭐', authorId: AUTHOR });
    await settle(1);
    clock = new Date('2026-11-10T12:01:00.000Z');
    h.fake.react('remove', { messageId: m, userId: LIKER, emoji: '⭐' });
    await settle(2);
    const item = `${h.fake.guild.id}:${h.fake.guild.channelId}:${m}`;
    expect(h.recorded.events).toEqual([
      { platform: 'discord', eventId: expect.stringMatching(/^discord-/), action: 'like', liker: LIKER, author: AUTHOR, item, community: h.fake.guild.id, reaction: '⭐', occurredAt: '2026-11-10T12:00:00.000Z' },
      { platform: 'discord', eventId: expect.stringMatching(/^discord-/), action: 'unlike', liker: LIKER, author: AUTHOR, item, community: h.fake.guild.id, reaction: '⭐', occurredAt: '2026-11-10T12:01:00.000Z' },
    ]);
  });

  it('fetches an uncached message once to learn its author, and keeps receipt order under a frozen clock', async () => {
    const m = nextMessage();
    h.fake.addMessage({ messageId: m, authorId: AUTHOR });
    const before = h.fake.requests.length;
    h.fake.react('add', { messageId: m, userId: LIKER, emoji: { id: '1166438302211211284', name: 'flattr' } });
    h.fake.react('add', { messageId: m, userId: LIKER2, emoji: '👍' });
    await settle(2);
    const fetches = h.fake.requests.slice(before).filter((r) => r.method === 'GET' && r.path === `/channels/${h.fake.guild.channelId}/messages/${m}`);
    expect(fetches).toHaveLength(1);
    expect(fetches[0]!.authorization).toBe(`Bot ${h.fake.token}`);
    expect(h.recorded.events.map((e) => [e.liker, e.author, e.reaction])).toEqual([[LIKER, AUTHOR, 'flattr'], [LIKER2, AUTHOR, '👍']]);
    const [a, b] = h.recorded.events.map((e) => Date.parse(e.occurredAt));
    expect(b!).toBeGreaterThan(a!);
  });

  it('ignores bots, DMs, self-reactions, unknown messages and bot authors with a reason', async () => {
    const m = nextMessage();
    const botMessage = nextMessage();
    h.fake.addMessage({ messageId: botMessage, authorId: '159985870458322944', bot: true });
    h.fake.react('add', { messageId: m, userId: '159985870458322944', emoji: '👍', bot: true, authorId: AUTHOR });
    h.fake.gateway.dispatch('MESSAGE_REACTION_ADD', discordFixture('message-reaction-add-dm').d);
    h.fake.react('add', { messageId: m, userId: AUTHOR, emoji: '⭐', authorId: AUTHOR });
    h.fake.react('add', { messageId: nextMessage(), userId: LIKER, emoji: '⭐' });
    h.fake.react('add', { messageId: botMessage, userId: LIKER, emoji: '⭐' });
    await settle(0, 5);
    expect(h.recorded.ignored.map((i) => i.reason)).toEqual(['bot_user', 'direct_message', 'self_like', 'message_unavailable', 'bot_author']);
    expect(h.recorded.events).toEqual([]);
  });

  it('ignores dispatches with missing fields with a logged reason and stays connected', async () => {
    const broken = discordFixture('message-reaction-add-missing-user');
    h.fake.gateway.dispatch('MESSAGE_REACTION_ADD', broken.d);
    h.fake.gateway.dispatch('MESSAGE_REACTION_REMOVE', { emoji: { id: null, name: '⭐' } });
    h.fake.gateway.dispatch('MESSAGE_REACTION_REMOVE_ALL', { message_id: 'x' });
    h.fake.gateway.dispatch('MESSAGE_REACTION_REMOVE_EMOJI', null);
    // Dispatches discord.js itself would choke on (an unhandled rejection, fatal on Node 20).
    h.fake.gateway.dispatch('GUILD_CREATE', null);
    const interaction = discordFixture('interaction-create-flattr').d;
    delete interaction.member;
    delete interaction.entitlements;
    h.fake.gateway.dispatch('INTERACTION_CREATE', interaction);
    await settle(0, 6);
    expect(h.recorded.ignored.map((i) => i.reason)).toEqual(Array(6).fill('malformed_dispatch'));
    expect(h.recorded.ignored[5]!.details).toMatchObject({ type: 'INTERACTION_CREATE', problems: expect.stringContaining('entitlements') });
    expect(h.recorded.ignored[0]!.details).toMatchObject({ type: 'MESSAGE_REACTION_ADD', problems: expect.stringContaining('user_id') });
    h.fake.react('add', { messageId: nextMessage(), userId: LIKER, emoji: '⭐', authorId: AUTHOR });
    await settle(1, 6);
    expect(h.fake.gateway.identifies).toBe(1);
  });

  it('turns remove-all and remove-emoji into unlikes for the reactions it saw', async () => {
    const m = nextMessage();
    h.fake.react('add', { messageId: m, userId: LIKER, emoji: '⭐', authorId: AUTHOR });
    h.fake.react('add', { messageId: m, userId: LIKER, emoji: { id: '1166438302211211284', name: 'flattr' }, authorId: AUTHOR });
    h.fake.react('add', { messageId: m, userId: LIKER2, emoji: { id: '1166438302211211284', name: 'flattr' }, authorId: AUTHOR });
    await settle(3);
    const target = { guild_id: h.fake.guild.id, channel_id: h.fake.guild.channelId, message_id: m };
    h.fake.gateway.dispatch('MESSAGE_REACTION_REMOVE_EMOJI', { ...target, emoji: { id: '1166438302211211284', name: 'flattr' } });
    await settle(5);
    expect(h.recorded.events.slice(3).map((e) => [e.action, e.liker, e.reaction]).sort()).toEqual([['unlike', LIKER, 'flattr'], ['unlike', LIKER2, 'flattr']]);
    h.fake.gateway.dispatch('MESSAGE_REACTION_REMOVE_ALL', target);
    await settle(6);
    expect(h.recorded.events.slice(5).map((e) => [e.action, e.liker, e.reaction])).toEqual([['unlike', LIKER, '⭐']]);
    h.fake.gateway.dispatch('MESSAGE_REACTION_REMOVE_ALL', target);
    await settle(6, 1);
    expect(h.recorded.ignored.map((i) => i.reason)).toEqual(['no_known_reactions']);
    expect(new Set(h.recorded.events.map((e) => e.eventId)).size).toBe(6);
  });

  it('resumes after a dropped connection and gives replayed dispatches their original event ids', async () => {
    const m = nextMessage();
    const first = h.fake.react('add', { messageId: m, userId: LIKER, emoji: '⭐', authorId: AUTHOR });
    h.fake.react('add', { messageId: m, userId: LIKER2, emoji: '⭐', authorId: AUTHOR });
    await settle(2);
    h.fake.gateway.disconnect(4000);
    // Reactions while the bot is away are kept by the gateway and replayed on RESUME.
    await waitFor(() => h.fake.gateway.session?.socket?.readyState !== 1, 'the socket to close');
    h.fake.react('remove', { messageId: m, userId: LIKER2, emoji: '⭐' });
    // At-least-once: pretend the client's last sequence was lost, so the two adds come again too.
    h.fake.gateway.replayFrom = first - 1;
    await waitFor(() => h.fake.gateway.resumes === 1, 'a RESUME');
    await settle(5);
    expect(h.fake.gateway.identifies).toBe(1);
    const ids = h.recorded.events.map((e) => e.eventId);
    expect(ids.slice(2, 4)).toEqual(ids.slice(0, 2));
    expect(h.recorded.events[4]).toMatchObject({ action: 'unlike', liker: LIKER2 });
    expect(new Set(ids).size).toBe(3);
    h.fake.react('add', { messageId: m, userId: LIKER2, emoji: '⭐', authorId: AUTHOR });
    await settle(6);
    expect(new Set(h.recorded.events.map((e) => e.eventId)).size).toBe(4);
  });

  it('resumes when Discord asks for a reconnect (op 7)', async () => {
    const resumes = h.fake.gateway.resumes;
    h.fake.gateway.requestReconnect();
    await waitFor(() => h.fake.gateway.resumes === resumes + 1, 'a RESUME after op 7');
    h.fake.react('add', { messageId: nextMessage(), userId: LIKER, emoji: '⭐', authorId: AUTHOR });
    await settle(1);
    expect(h.fake.gateway.identifies).toBe(1);
  });

  it('identifies again when its session cannot be resumed, and new dispatches get new ids', async () => {
    const m = nextMessage();
    h.fake.react('add', { messageId: m, userId: LIKER, emoji: '⭐', authorId: AUTHOR });
    await settle(1);
    h.fake.gateway.invalidateSessions();
    h.fake.gateway.disconnect(4000);
    await waitFor(() => h.fake.gateway.identifies === 2 && h.fake.gateway.session?.socket?.readyState === 1, 'a new IDENTIFY');
    // The new session numbers its dispatches from 1 again: the session id keeps the event ids apart.
    await waitFor(() => h.fake.gateway.acknowledged >= 1, 'the new session to be acknowledged');
    h.fake.react('remove', { messageId: m, userId: LIKER, emoji: '⭐' });
    h.fake.react('add', { messageId: m, userId: LIKER, emoji: '⭐', authorId: AUTHOR });
    await settle(3);
    // Enqueue order may differ (an author lookup is async); receipt order is in occurredAt, which the ingest follows.
    const byTime = [...h.recorded.events].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    expect(byTime.map((e) => e.action)).toEqual(['like', 'unlike', 'like']);
    expect(new Set(h.recorded.events.map((e) => e.eventId)).size).toBe(3);
  });
});
