import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDiscordAdapter } from '../../../adapters/discord/index.js';
import { commandLine, flattrCommand } from '../../../adapters/discord/commands.js';
import { createLogger } from '../../../src/support/logger.js';
import { createMetrics } from '../../../src/support/metrics.js';
import { FakeDiscord, waitFor } from '../../fakes/discord/fake-discord.js';
import { guildCreate } from '../../fakes/discord/payloads.js';
import { TEST_REDIS_URL } from '../../support/env.js';
import { randomQueuePrefix } from '../../support/queue.js';
import { startDiscordHarness } from './harness.js';

describe('discord /flattr definition', () => {
  it('turns subcommand options into the chat text line, in definition order', () => {
    expect(commandLine({ name: 'budget', options: [{ name: 'currency', value: 'EUR' }, { name: 'amount', value: ' 35.50 ' }] })).toBe('budget 35.50 EUR');
    expect(commandLine({ name: 'on', options: [{ name: 'platform', value: 'discord' }] })).toBe('on discord');
    expect(commandLine({ name: 'emoji', options: [{ name: 'emojis', value: '⭐ :flattr:' }] })).toBe('emoji ⭐ :flattr:');
    expect(commandLine({ name: 'link' })).toBe('link');
    expect(commandLine({ name: 'frobnicate' })).toBeUndefined();
  });

  it('is a guild-only chat command whose required options come first', () => {
    const command = flattrCommand();
    expect(command).toMatchObject({ name: 'flattr', contexts: [0] });
    for (const sub of command.options ?? []) {
      const required = ((sub as { options?: { required?: boolean }[] }).options ?? []).map((o) => o.required ?? false);
      expect(required).toEqual([...required].sort((a, b) => Number(b) - Number(a)));
    }
  });
});

describe('discord adapter lifecycle and sending', () => {
  let h: Awaited<ReturnType<typeof startDiscordHarness>>;
  beforeAll(async () => {
    h = await startDiscordHarness({ commandScope: 'guild' });
  });
  afterAll(async () => { await h?.close(); });

  it('starts once, stops once, and starts again with a fresh session', async () => {
    await Promise.all([h.adapter.start(), h.adapter.start()]);
    expect(h.fake.gateway.identifies).toBe(1);
    await h.adapter.stop();
    await h.adapter.stop();
    await waitFor(() => h.fake.gateway.session?.socket?.readyState !== 1, 'the gateway socket to close');
    await h.adapter.start();
    expect(h.fake.gateway.identifies).toBe(2);
  });

  it('registers /flattr in a guild it joins later', async () => {
    const guild = { id: '41771983423140001', channelId: '41771983423140002', ownerId: '80351110224678999' };
    h.fake.gateway.dispatch('GUILD_CREATE', guildCreate(guild));
    await waitFor(() => h.fake.state.commands.has(guild.id), 'a guild command registration');
    expect((h.fake.state.commands.get(guild.id) as { name: string }[]).map((c) => c.name)).toEqual(['flattr']);
  });

  it('posts a notice in a channel, pinging only the creator, and DMs a user', async () => {
    await h.adapter.start();
    const inChannel = await h.adapter.send({ channel: h.fake.guild.channelId, mention: '53908232506183680', text: 'You were flattred 3 times in November (a bot notice).' });
    expect(inChannel.channel).toBe(h.fake.guild.channelId);
    expect(h.fake.state.posted.get(h.fake.guild.channelId)).toEqual([expect.objectContaining({
      id: inChannel.id, content: '<@53908232506183680> You were flattred 3 times in November (a bot notice).',
      allowed_mentions: { parse: [], users: ['53908232506183680'] },
    })]);
    const dm = await h.adapter.send({ user: '80351110224678912', text: 'Your November statement.' });
    expect(dm.channel).toBe(h.fake.state.dms.get('80351110224678912'));
    expect(h.fake.state.posted.get(dm.channel)).toEqual([expect.objectContaining({ content: 'Your November statement.' })]);
  });

  it('turns a 429 on a notice into DISCORD_RATE_LIMITED with retry_after, at once', async () => {
    await h.adapter.start();
    const channel = h.fake.guild.channelId;
    h.fake.state.rateLimitNext = { path: `/channels/${channel}/messages`, retryAfterSeconds: 30 };
    const started = Date.now();
    await expect(h.adapter.send({ channel, text: 'Rate limited notice.' })).rejects.toMatchObject({
      name: 'DiscordSendError', code: 'DISCORD_RATE_LIMITED', retryAfterMs: expect.toSatisfy((ms: number) => ms >= 30_000 && ms < 31_000),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(h.fake.state.posted.get(channel)?.some((m) => (m as { content: string }).content === 'Rate limited notice.')).toBe(false);
  });
});

describe('discord adapter start failures', () => {
  let fake: FakeDiscord;
  beforeAll(async () => { fake = await FakeDiscord.start(); });
  afterAll(async () => { await fake?.close(); });

  it('fails with DISCORD_LOGIN_FAILED on a wrong token, and a later start may try again', async () => {
    const ctx = {
      emitLike: async () => {}, ignore: () => {}, db: undefined as never, cipher: undefined as never,
      logger: createLogger('silent'), metrics: createMetrics(), publicUrl: 'http://localhost', now: () => new Date(),
    };
    const adapter = createDiscordAdapter({ token: 'not-the-token', applicationId: fake.applicationId, apiUrl: fake.apiUrl }, ctx, {
      redis: { url: TEST_REDIS_URL, prefix: randomQueuePrefix() }, readyTimeoutMs: 5_000,
    });
    await expect(adapter.start()).rejects.toMatchObject({ name: 'DiscordStartError', code: 'DISCORD_LOGIN_FAILED', message: expect.stringContaining('DISCORD_TOKEN') });
    await expect(adapter.start()).rejects.toMatchObject({ code: 'DISCORD_LOGIN_FAILED' });
    expect(fake.gateway.identifies).toBe(0);
    await adapter.stop();
  });
});
