import { createHash } from 'node:crypto';
import { WebSocket } from 'ws';
import type { DiscordAdapter } from '../../../adapters/discord/index.js';
import { setSupporter } from '../../../src/supporters/set-supporter.js';
import { FakeDiscord, waitFor } from '../../fakes/discord/fake-discord.js';
import { startTestHub, type ContractHarness, type Delivery, type Reaction } from '../contract.js';

export type DiscordDelivery = Delivery & { sequence: number };

/** Slack's reaction names as Discord sends them: unicode for standard emoji, a custom emoji otherwise. */
const UNICODE: Record<string, string> = { star: '⭐', heart: '❤️', '+1': '👍' };

/** A stable snowflake-shaped id for a logical name ("alice-3"). */
function snowflake(name: string): string {
  return (BigInt(`0x${createHash('sha256').update(name).digest('hex').slice(0, 14)}`) + 100_000_000_000_000_000n).toString();
}

/**
 * The real hub with DISCORD_* pointing at a fake Discord; the clock is
 * injected and moves one second per dispatch. A redelivery is what Discord
 * does after a dropped connection: the client RESUMEs and the gateway replays
 * the dispatch with its original sequence number.
 */
export async function discordContractHarness(): Promise<ContractHarness<DiscordDelivery>> {
  const fake = await FakeDiscord.start({ heartbeatInterval: 200 });
  let t = Date.now();
  const test = await startTestHub(
    { DISCORD_TOKEN: fake.token, DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl },
    { now: () => new Date(t) },
  ).catch(async (error: unknown) => {
    await fake.close();
    throw error;
  });
  const adapter = () => test.hub.adapters.find((a) => a.name === 'discord') as DiscordAdapter;
  const itemOf = (messageId: string) => `${fake.guild.id}:${fake.guild.channelId}:${messageId}`;
  const emojiOf = (name: string) => UNICODE[name] ?? { id: snowflake(`emoji-${name}`), name };
  const connected = () => fake.gateway.session?.socket?.readyState === 1;

  return {
    start: () => adapter().start(),
    stop: () => adapter().stop(),
    platformConnections: () => [...fake.gateway.wss.clients].filter((socket) => socket.readyState !== WebSocket.CLOSED).length,
    async close() {
      await test.close();
      await fake.close();
    },
    addSupporter: async (user) => void (await setSupporter(test.database.prisma, { platform: 'discord', externalId: snowflake(user), budget: '35', enable: ['discord'] })),
    async react(r: Reaction) {
      t += 1000;
      const messageId = snowflake(r.message);
      fake.addMessage({ messageId, authorId: snowflake(r.author) });
      const sequence = fake.react(r.remove ? 'remove' : 'add', {
        messageId, userId: snowflake(r.user), emoji: emojiOf(r.emoji), ...(r.remove ? {} : { authorId: snowflake(r.author) }),
      });
      return { item: itemOf(messageId), sequence };
    },
    async redeliver(d) {
      const resumes = fake.gateway.resumes;
      fake.gateway.replayFrom = d.sequence - 1;
      fake.gateway.disconnect(4000);
      await waitFor(() => fake.gateway.resumes > resumes, 'the client to RESUME');
    },
    async sendUnknownPayload() {
      t += 1000;
      fake.gateway.dispatch('MESSAGE_REACTION_FROBNICATE', { channel_id: fake.guild.channelId, guild_id: fake.guild.id });
    },
    async drain() {
      // The client acknowledges received dispatches in its heartbeats; then the adapter finishes enqueueing.
      if (connected()) await waitFor(() => fake.gateway.acknowledged >= (fake.gateway.session?.sequence ?? 0), 'the client to acknowledge every dispatch');
      await adapter().idle();
      return test.drain();
    },
  };
}
