import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../fakes/discord/fake-discord.js';
import { startDiscordHarness } from './harness.js';

// Discord puts guild G on shard (G >> 22) % shards: one guild per shard.
const guilds = [0n, 1n].map((k) => {
  const id = String((10_000_000_000n + k) << 22n);
  return { id, channelId: String(BigInt(id) + 1n), ownerId: '80351110224678999' };
});

/** docs/architecture.md: past 2,500 guilds discord.js runs the shards Discord recommends, each its own session. */
describe('discord adapter with two shards', () => {
  let h: Awaited<ReturnType<typeof startDiscordHarness>>;
  beforeAll(async () => {
    h = await startDiscordHarness({ commandScope: 'guild', fake: { shards: 2, guilds } });
    await h.adapter.start();
  });
  afterAll(async () => { await h?.close(); });

  it('opens one session per shard and registers /flattr in the guilds of both', () => {
    expect(h.fake.gateway.identifies).toBe(2);
    expect(h.fake.gateway.sessionFor(0)!.id).not.toBe(h.fake.gateway.sessionFor(1)!.id);
    for (const g of guilds) expect((h.fake.state.commands.get(g.id) as { name: string }[])[0]!.name).toBe('flattr');
  });

  it('takes reactions from every shard, each shard numbering its own dispatches', async () => {
    const sequences = guilds.map((g) => h.fake.react('add', {
      guildId: g.id, channelId: g.channelId, messageId: '1300000000000000001', userId: '80351110224678912', emoji: '⭐', authorId: '53908232506183680',
    }));
    expect(sequences[0]).toBe(sequences[1]);
    await waitFor(() => h.recorded.events.length === 2, 'one event per shard');
    await h.adapter.idle();
    expect(h.recorded.events.map((e) => e.community).sort()).toEqual(guilds.map((g) => g.id).sort());
    expect(h.recorded.events[0]!.eventId).not.toBe(h.recorded.events[1]!.eventId);
  });
});
