import { RateLimitError, Routes, type REST, type RateLimitData } from 'discord.js';
import { z } from 'zod';
import { DiscordSendError } from './discord-send-error.js';

/** A notice in a guild channel (optionally pinging one user), or a DM to a user. */
export type DiscordNotice = { text: string } & ({ channel: string; mention?: string } | { user: string });

const createdSchema = z.looseObject({ id: z.string() });
const NOTICE_ROUTES = new Set(['/channels/:id/messages', '/users/@me/channels']);

/**
 * For the REST client's `rejectOnRateLimit`: a 429 on a notice route throws
 * (RateLimitError, with retry_after) instead of being waited out, so a notify
 * job is retried later rather than holding a worker. Author lookups and
 * interaction replies keep @discordjs/rest's own waiting.
 */
export function rejectNoticeRateLimit(limit: RateLimitData): boolean {
  return limit.method.toUpperCase() === 'POST' && NOTICE_ROUTES.has(limit.route);
}

/**
 * The send half: POST /channels/:id/messages, after POST /users/@me/channels
 * for a DM (https://discord.com/developers/docs/resources/user#create-dm).
 * Mentions are limited to the user the notice is for, so a name pasted in a
 * notice never pings @everyone.
 */
export function createDiscordSender(rest: () => REST | undefined) {
  return async (notice: DiscordNotice): Promise<{ channel: string; id: string }> => {
    const client = rest();
    if (!client) throw new DiscordSendError('DISCORD_NOT_STARTED', 'the Discord adapter is not started');
    try {
      const channel = 'channel' in notice ? notice.channel : await openDm(client, notice.user);
      const mention = 'mention' in notice ? notice.mention : undefined;
      const body = {
        content: mention ? `<@${mention}> ${notice.text}` : notice.text,
        allowed_mentions: { parse: [], users: mention ? [mention] : [] },
      };
      const created = createdSchema.parse(await client.post(Routes.channelMessages(channel), { body }));
      return { channel, id: created.id };
    } catch (error) {
      if (!(error instanceof RateLimitError)) throw error;
      throw new DiscordSendError('DISCORD_RATE_LIMITED', `Discord rate limit on ${error.route}: retry after ${error.retryAfter} ms`, error.retryAfter);
    }
  };
}

async function openDm(rest: REST, user: string): Promise<string> {
  const opened = z.looseObject({ id: z.string() }).safeParse(await rest.post(Routes.userChannels(), { body: { recipient_id: user } }));
  if (!opened.success) throw new DiscordSendError('DISCORD_DM_FAILED', `no DM channel for user ${user}`);
  return opened.data.id;
}
