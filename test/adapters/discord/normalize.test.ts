import { describe, expect, it } from 'vitest';
import { likeEventSchema } from '../../../src/domain/like-event.js';
import { canonicalReaction } from '../../../src/domain/reactions.js';
import { parseReactionDispatch, toLikeEvent, type GatewayStamp, type ReactionChange } from '../../../adapters/discord/normalize.js';
import { commandLine } from '../../../adapters/discord/commands.js';
import { dispatchProblem } from '../../../adapters/discord/guard-dispatch.js';
import { interactionSchema, messageSchema } from '../../../adapters/discord/schema.js';
import { discordFixture, type DiscordFixture } from '../../fixtures/discord/load.js';

const SELF = '1166430000000000000';
const target = { guildId: '41771983423143937', channelId: '1166438023365812244', messageId: '1166438113123926056' };
const parse = (name: DiscordFixture) => {
  const packet = discordFixture(name);
  return parseReactionDispatch(packet.t, packet.d, SELF);
};

describe('discord normalize: every fixture to an exact meaning or an ignore reason', () => {
  it.each([
    ['message-reaction-add-unicode', { kind: 'change', action: 'like', userId: '80351110224678912', reaction: '⭐', authorId: '53908232506183680', ...target }],
    ['message-reaction-add-custom', { kind: 'change', action: 'like', userId: '80351110224678912', reaction: 'flattr', ...target }],
    ['message-reaction-add-burst', { kind: 'change', action: 'like', userId: '80351110224678912', reaction: '❤️', authorId: '53908232506183680', ...target }],
    ['message-reaction-remove', { kind: 'change', action: 'unlike', userId: '80351110224678912', reaction: '⭐', ...target }],
    ['message-reaction-remove-all', { kind: 'clear', ...target }],
    ['message-reaction-remove-emoji', { kind: 'clear', reaction: 'flattr', ...target }],
  ] as const)('%s', (name, expected) => {
    expect(parse(name)).toEqual(expected);
  });

  it.each([
    ['message-reaction-add-bot', 'bot_user'],
    ['message-reaction-add-dm', 'direct_message'],
    ['message-reaction-add-missing-user', 'malformed_dispatch'],
  ] as const)('%s is ignored: %s', (name, reason) => {
    expect(parse(name)).toMatchObject({ kind: 'ignored', reason });
  });

  it('names the missing field of a malformed dispatch', () => {
    expect(parse('message-reaction-add-missing-user')).toMatchObject({ details: { problems: expect.stringContaining('user_id') } });
  });

  it('ignores the bot\'s own reactions, deleted custom emoji and dispatches that are not objects', () => {
    const own = discordFixture('message-reaction-add-unicode');
    own.d.user_id = SELF;
    own.d.member.user.id = SELF;
    expect(parseReactionDispatch(own.t, own.d, SELF)).toMatchObject({ kind: 'ignored', reason: 'own_reaction' });
    const nameless = discordFixture('message-reaction-remove-emoji');
    nameless.d.emoji.name = null;
    expect(parseReactionDispatch(nameless.t, nameless.d, SELF)).toMatchObject({ kind: 'ignored', reason: 'emoji_without_name' });
    for (const type of ['MESSAGE_REACTION_ADD', 'MESSAGE_REACTION_REMOVE_ALL', 'MESSAGE_REACTION_REMOVE_EMOJI'] as const) {
      expect(parseReactionDispatch(type, null, SELF)).toMatchObject({ kind: 'ignored', reason: 'malformed_dispatch' });
      expect(parseReactionDispatch(type, { channel_id: 'not-a-snowflake' }, SELF)).toMatchObject({ kind: 'ignored', reason: 'malformed_dispatch' });
    }
  });
});

describe('discord toLikeEvent', () => {
  const change = parse('message-reaction-add-unicode') as ReactionChange;
  const stamp: GatewayStamp = { sessionId: 'session-a', sequence: 7, receivedAt: new Date('2026-11-10T12:00:00.000Z') };

  it('maps a reaction to a LikeEvent stamped with the receipt time', () => {
    const event = toLikeEvent(change, change.authorId!, stamp);
    expect(likeEventSchema.parse(event)).toEqual({
      platform: 'discord', eventId: expect.stringMatching(/^discord-[\w-]{32}$/), action: 'like',
      liker: '80351110224678912', author: '53908232506183680',
      item: '41771983423143937:1166438023365812244:1166438113123926056', community: '41771983423143937',
      reaction: '⭐', occurredAt: '2026-11-10T12:00:00.000Z',
    });
    expect(canonicalReaction(event.reaction!)).toBe('star');
  });

  it('gives a replayed delivery the same id, whenever it arrives, and a new delivery a new one', () => {
    const first = toLikeEvent(change, '53908232506183680', stamp);
    const replay = toLikeEvent(change, '53908232506183680', { ...stamp, receivedAt: new Date('2026-11-10T12:05:00.000Z') });
    expect(replay.eventId).toBe(first.eventId);
    expect(toLikeEvent(change, '53908232506183680', { ...stamp, sequence: 8 }).eventId).not.toBe(first.eventId);
    expect(toLikeEvent(change, '53908232506183680', { ...stamp, sessionId: 'session-b' }).eventId).not.toBe(first.eventId);
    // One REMOVE_ALL dispatch yields one event per (liker, reaction): each needs its own id.
    const unlikeA = toLikeEvent({ ...change, action: 'unlike' }, '53908232506183680', stamp);
    const unlikeB = toLikeEvent({ ...change, action: 'unlike', userId: '80351110224678913' }, '53908232506183680', stamp);
    const unlikeC = toLikeEvent({ ...change, action: 'unlike', reaction: 'flattr' }, '53908232506183680', stamp);
    expect(new Set([unlikeA.eventId, unlikeB.eventId, unlikeC.eventId]).size).toBe(3);
  });
});

describe('discord dispatchProblem: what discord.js must not see', () => {
  const packet = (t: string, d: unknown) => ({ op: 0, t, s: 1, d });
  it('lets documented payloads through and names what a broken one lacks', () => {
    expect(dispatchProblem(discordFixture('interaction-create-flattr'))).toBeUndefined();
    expect(dispatchProblem(packet('RESUMED', null))).toBeUndefined();
    expect(dispatchProblem(packet('GUILD_CREATE', null))).toBe('d: must be an object');
    expect(dispatchProblem(packet('TYPING_START', 'text'))).toBe('d: must be an object');
    const noData = discordFixture('interaction-create-flattr');
    delete noData.d.data;
    expect(dispatchProblem(noData)).toMatch(/^data: /);
    const nobody = discordFixture('interaction-create-flattr');
    delete nobody.d.member;
    expect(dispatchProblem(nobody)).toMatch(/^user: /);
  });
});

describe('discord REST and interaction fixtures', () => {
  it('reads the author of a fetched message', () => {
    expect(messageSchema.parse(discordFixture('message')).author).toMatchObject({ id: '53908232506183680' });
  });

  it('reads `/flattr budget 35 EUR` from an interaction', () => {
    const interaction = discordFixture('interaction-create-flattr');
    expect(interactionSchema.safeParse(interaction.d).success).toBe(true);
    expect(commandLine(interaction.d.data.options[0])).toBe('budget 35 EUR');
  });
});
