import { Routes, type REST } from 'discord.js';
import { z } from 'zod';

/** A notice in a guild channel (optionally pinging one user), or a DM to a user. */
export type DiscordNotice = { text: string } & ({ channel: string; mention?: string } | { user: string });

const createdSchema = z.looseObject({ id: z.string(), channel_id: z.string().optional() });

/**
 * The send half: POST /channels/:id/messages, after POST /users/@me/channels
 * for a DM (https://discord.com/developers/docs/resources/user#create-dm).
 * Mentions are limited to the user the notice is for, so a creator's name
 * pasted in a notice never pings @everyone. @discordjs/rest waits out 429s
 * itself (retry_after), per route bucket.
 */
export function createDiscordSender(rest: () => REST | undefined) {
  return async (notice: DiscordNotice): Promise<{ channel: string; id: string }> => {
    const client = rest();
    if (!client) throw new DiscordSendError('DISCORD_NOT_STARTED', 'the Discord adapter is not started');
    const channel = 'channel' in notice ? notice.channel : await openDm(client, notice.user);
    const mention = 'mention' in notice ? notice.mention : undefined;
    const body = {
      content: mention ? `<@${mention}> ${notice.text}` : notice.text,
      allowed_mentions: { parse: [], users: mention ? [mention] : [] },
    };
    const created = createdSchema.parse(await client.post(Routes.channelMessages(channel), { body }));
    return { channel, id: created.id };
  };
}

async function openDm(rest: REST, user: string): Promise<string> {
  const opened = z.looseObject({ id: z.string() }).safeParse(await rest.post(Routes.userChannels(), { body: { recipient_id: user } }));
  if (!opened.success) throw new DiscordSendError('DISCORD_DM_FAILED', `no DM channel for user ${user}`);
  return opened.data.id;
}

export class DiscordSendError extends Error {
  constructor(readonly code: 'DISCORD_NOT_STARTED' | 'DISCORD_DM_FAILED', message: string) {
    super(message);
    this.name = 'DiscordSendError';
  }
}
