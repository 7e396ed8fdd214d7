import { PermissionFlagsBits } from 'discord.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../../src/chat/messages.js';
import { flattrInteraction } from '../../fakes/discord/payloads.js';
import { createPgliteDatabase, type TestDatabase } from '../../support/database.js';
import { startDiscordHarness } from './harness.js';

const USER = '80351110224678912';

/** Interactions through discord.js and the shared chat use cases, on an in-memory PGlite. */
describe('discord /flattr interactions', () => {
  let database: TestDatabase;
  let h: Awaited<ReturnType<typeof startDiscordHarness>>;
  beforeAll(async () => {
    database = await createPgliteDatabase();
    // Defer at once: every reply takes the deferred path (type 5, then an edit of the original).
    h = await startDiscordHarness({ db: database.prisma, deferAfterMs: 0 });
    await h.adapter.start();
  });
  afterAll(async () => {
    await h?.close();
    await database?.drop();
  });

  it('defers a slow answer ephemerally and edits the reply in', async () => {
    const reply = await h.fake.command(USER, 'help');
    expect(reply).toMatchObject({ deferred: true, flags: 64, content: expect.stringContaining('/flattr') });
  });

  it('answers in French for a French Discord client, and lets only Manage Server members pick the notice channel', async () => {
    const joined = await h.fake.command(USER, 'join', [], { locale: 'fr' });
    expect(joined.content).toBe(MESSAGES.fr.joined);
    const noticeChannels = async () => (await database.prisma.$queryRawUnsafe<{ notice_channel: string }[]>(
      `SELECT notice_channel FROM communities WHERE platform = 'discord' AND notice_channel IS NOT NULL`)).map((r) => r.notice_channel);
    expect((await h.fake.command(USER, 'channel', [], { permissions: '0' })).content).toBe(MESSAGES.en.channelNotAdmin);
    expect(await noticeChannels()).toEqual([]);
    const manageServer = String(PermissionFlagsBits.ManageGuild);
    expect((await h.fake.command(USER, 'channel', [], { permissions: manageServer })).content).toBe(MESSAGES.en.channelSet(h.fake.guild.channelId));
    expect(await noticeChannels()).toEqual([h.fake.guild.channelId]);
  });

  it('answers a subcommand it does not know (a stale registration) with the help text', async () => {
    const reply = await h.fake.command(USER, 'frobnicate', [{ name: 'x', type: 3, value: 'y' }]);
    expect(reply).toMatchObject({ flags: 64, content: `${MESSAGES.en.unknown('frobnicate')}\n\n${MESSAGES.en.help}` });
  });

  it('ignores interactions other than /flattr with a reason', async () => {
    h.fake.gateway.dispatch('INTERACTION_CREATE', {
      ...flattrInteraction({
        id: '786008729715219999', token: 'other-token', applicationId: h.fake.applicationId, guildId: h.fake.guild.id,
        channelId: h.fake.guild.channelId, userId: USER, subcommand: 'x',
      }),
      data: { id: '771825006014880000', name: 'other', type: 1 },
    });
    await expect.poll(() => h.recorded.ignored.map((i) => i.reason)).toContain('unknown_interaction');
    expect(h.fake.state.replies.has('other-token')).toBe(false);
  });
});
