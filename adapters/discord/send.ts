import { DiscordAPIError, HTTPError, RateLimitError, REST, Routes, type RateLimitData } from 'discord.js';
import { z } from 'zod';
import { noticeNonce } from '../../src/notices/notice-key.js';
import { NoticeSendError } from '../../src/notices/notice-send-error.js';
import type { NoticeSender } from '../../src/notices/port.js';
import { DiscordSendError } from './discord-send-error.js';

/**
 * A notice in a guild channel, or a DM to a user. `mentions` are the only
 * users it may ping (`mention` pings one, prefixed to the text); `nonce`
 * makes the send idempotent for a few minutes.
 */
export type DiscordNotice = { text: string; mentions?: string[]; nonce?: string } & ({ channel: string; mention?: string } | { user: string });

const createdSchema = z.looseObject({ id: z.string() });
const NOTICE_ROUTES = new Set(['/channels/:id/messages', '/users/@me/channels']);
/** A wait this short (a bucket or the global second about to reset) is cheaper to sit out than to reschedule the job. */
const SHORT_WAIT_MS = 2_000;

/**
 * For the REST client's `rejectOnRateLimit`: a 429 (or a known empty bucket)
 * on a notice route that would make the request wait more than two seconds
 * throws (RateLimitError, with retry_after) instead of being waited out, so
 * the notify job is delayed rather than holding a worker. Shorter waits are
 * @discordjs/rest's own, as are author lookups' and interaction replies'.
 */
export function rejectNoticeRateLimit(limit: RateLimitData): boolean {
  return limit.method.toUpperCase() === 'POST' && NOTICE_ROUTES.has(limit.route) && limit.retryAfter > SHORT_WAIT_MS;
}

/**
 * The send half: POST /channels/:id/messages, after POST /users/@me/channels
 * for a DM (https://discord.com/developers/docs/resources/user#create-dm).
 * Mentions are limited to the users the notice names, so a name pasted in a
 * notice never pings @everyone or a role.
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
        allowed_mentions: { parse: [], users: notice.mentions ?? (mention ? [mention] : []) },
        // enforce_nonce: Discord answers a repeated nonce with the first message instead of posting again.
        ...(notice.nonce ? { nonce: notice.nonce, enforce_nonce: true } : {}),
      };
      const created = createdSchema.parse(await client.post(Routes.channelMessages(channel), { body }));
      return { channel, id: created.id };
    } catch (error) {
      if (!(error instanceof RateLimitError)) throw error;
      throw new DiscordSendError('DISCORD_RATE_LIMITED', `Discord rate limit on ${error.route}: retry after ${error.retryAfter} ms`, error.retryAfter);
    }
  };
}

/**
 * A REST client for sending notices from any process: it needs the bot
 * token, not the gateway, so a `--role worker` process sends without
 * connecting a shard. Buckets and the global limit (50 requests/s unless
 * Discord raised the bot's) are kept by @discordjs/rest within the process.
 */
export function createDiscordNoticeRest(config: { token: string; apiUrl?: string; globalRequestsPerSecond?: number }): REST {
  return new REST({
    ...(config.apiUrl ? { api: config.apiUrl } : {}),
    ...(config.globalRequestsPerSecond ? { globalRequestsPerSecond: config.globalRequestsPerSecond } : {}),
    rejectOnRateLimit: rejectNoticeRateLimit,
    // A statement DM is one message to a channel of its own, so each makes a route bucket that is never used
    // again; by default they are kept for an hour (handlers) and a day (hashes): a month's 20,000 DMs would
    // hold 20,000 of each. Swept within minutes, the buckets of a send run stay few.
    handlerSweepInterval: 60_000, hashSweepInterval: 60_000, hashLifetime: 5 * 60_000,
  }).setToken(config.token);
}

/** The notify port over createDiscordSender: nonce from the notice key, mentions as rendered, failures classified. */
export function createDiscordNoticeSender(rest: () => REST | undefined): NoticeSender {
  const send = createDiscordSender(rest);
  return {
    platform: 'discord',
    async send(n) {
      try {
        const sent = await send({ text: n.payload.text, mentions: n.payload.mentions, nonce: noticeNonce(n.key), ...n.destination });
        return { messageId: sent.id, channel: sent.channel };
      } catch (error) {
        throw classifyDiscordSendError(error);
      }
    },
  };
}

/** JSON error codes that no retry cures: unknown channel, guild or user, and the form body refused. */
const PERMANENT_CODES = new Set([10003, 10004, 10013, 50035]);

/**
 * A Discord failure as the notify worker needs it. Any 401 or 403 is
 * permanent (50001 Missing Access, 50013 Missing Permissions, 50007 cannot
 * DM this user): retrying one counts toward Discord's invalid-request ban.
 * https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
 */
export function classifyDiscordSendError(error: unknown): NoticeSendError {
  if (error instanceof NoticeSendError) return error;
  if (error instanceof DiscordSendError) {
    if (error.code === 'DISCORD_RATE_LIMITED') return new NoticeSendError('rate_limited', 'rate_limited', error.message, error.retryAfterMs ?? 1_000);
    if (error.code === 'DISCORD_DM_FAILED') return new NoticeSendError('permanent', 'dm_failed', error.message);
    return new NoticeSendError('transient', 'not_started', error.message);
  }
  if (error instanceof DiscordAPIError) {
    const reason = typeof error.code === 'number' && error.code > 0 ? `discord_${error.code}` : `http_${error.status}`;
    const permanent = error.status === 401 || error.status === 403 || error.status === 404 || (typeof error.code === 'number' && PERMANENT_CODES.has(error.code));
    return new NoticeSendError(permanent || error.status < 500 ? 'permanent' : 'transient', reason, `Discord answered ${error.status} ${error.code}: ${error.message}`);
  }
  if (error instanceof HTTPError) {
    return new NoticeSendError(error.status >= 500 || error.status === 408 ? 'transient' : 'permanent', `http_${error.status}`, `Discord answered HTTP ${error.status}`);
  }
  const name = (error as { name?: string }).name;
  return new NoticeSendError('transient', name === 'AbortError' ? 'timeout' : 'network', `Discord could not be reached: ${(error as Error).message ?? String(error)}`);
}

async function openDm(rest: REST, user: string): Promise<string> {
  const opened = z.looseObject({ id: z.string() }).safeParse(await rest.post(Routes.userChannels(), { body: { recipient_id: user } }));
  if (!opened.success) throw new DiscordSendError('DISCORD_DM_FAILED', `no DM channel for user ${user}`);
  return opened.data.id;
}
