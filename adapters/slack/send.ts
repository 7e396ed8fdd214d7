import { webApi } from '@slack/bolt';
import { NoticeSendError } from '../../src/notices/notice-send-error.js';
import type { NoticeSender } from '../../src/notices/port.js';

/** A notice to one Slack workspace: in a channel, or as a DM to a user. */
export type SlackNotice = { team: string; text: string } & ({ channel: string } | { user: string });

/** No send may hold a worker forever; the notify lease (45 s) outlasts a DM's two calls. */
const SEND_TIMEOUT_MS = 15_000;

/**
 * The send half: chat.postMessage to a channel, or conversations.open then
 * chat.postMessage for a DM (https://docs.slack.dev/reference/methods/conversations.open).
 * The token is looked up per team, so multi-workspace installs work; a 429 is
 * raised with its retry_after for the notify worker to honour.
 */
export function createSlackSender(deps: { tokenFor(team: string): Promise<string | undefined>; clientOptions: webApi.WebClientOptions }) {
  return async (notice: SlackNotice): Promise<{ channel: string; ts: string }> => {
    const token = await deps.tokenFor(notice.team);
    if (!token) throw new SlackSendError('SLACK_NOT_INSTALLED', `no bot token for team ${notice.team}`);
    // rejectRateLimitedCalls: a 429 surfaces at once instead of the client pausing its whole queue
    // (and every other workspace's notices with it) inside a worker job; retries: 0 leaves retrying to the queue.
    const client = new webApi.WebClient(token, {
      timeout: SEND_TIMEOUT_MS, ...deps.clientOptions, rejectRateLimitedCalls: true, retryConfig: { retries: 0 },
    });
    try {
      const channel = 'channel' in notice ? notice.channel : await openDm(client, notice.user);
      // Mobile notifications read only `text`, so the whole notice is text (mrkdwn), no blocks.
      const posted = await client.chat.postMessage({ channel, text: notice.text, unfurl_links: false, unfurl_media: false });
      return { channel, ts: posted.ts! };
    } catch (error) {
      const limited = error as { code?: string; retryAfter?: number };
      if (limited.code === 'slack_webapi_rate_limited_error') throw new SlackRateLimitedError(limited.retryAfter ?? 1);
      throw error;
    }
  };
}

/**
 * The notify port over createSlackSender: a notice goes through its
 * community's workspace token, paced to one message per second per channel
 * (https://docs.slack.dev/reference/methods/chat.postMessage#rate_limiting),
 * and every failure is classified for the worker.
 */
export function createSlackNoticeSender(deps: Parameters<typeof createSlackSender>[0]): NoticeSender {
  const send = createSlackSender(deps);
  return {
    platform: 'slack',
    // One message per second per channel, counted from Slack's answer to the last one (deliverNotice), so after it
    // arrived: nothing more to spare, and a long digest's parts go at the pace Slack allows.
    paceMs: 1_000,
    paceKey: (n) => `slack:${n.community}:${'channel' in n.destination ? n.destination.channel : `dm-${n.destination.user}`}`,
    async send(n) {
      try {
        const posted = await send({ team: n.community, text: n.payload.text, ...n.destination });
        return { messageId: posted.ts, channel: posted.channel };
      } catch (error) {
        throw classifySlackSendError(error);
      }
    },
  };
}

/** Slack's own errors that are worth trying again; every other platform error is about the request and stays. */
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

/**
 * A Slack failure as the notify worker needs it. Platform errors such as
 * channel_not_found, not_in_channel, is_archived, account_inactive,
 * invalid_auth or token_revoked are permanent, named by Slack's own code.
 * https://docs.slack.dev/reference/methods/chat.postMessage#errors
 */
export function classifySlackSendError(error: unknown): NoticeSendError {
  if (error instanceof NoticeSendError) return error;
  if (error instanceof SlackRateLimitedError) {
    return new NoticeSendError('rate_limited', 'rate_limited', error.message, error.retryAfterSeconds * 1000);
  }
  if (error instanceof SlackSendError) {
    const reason = error.code === 'SLACK_NOT_INSTALLED' ? 'not_installed' : 'dm_failed';
    return new NoticeSendError('permanent', reason, error.message);
  }
  const e = error as { code?: string; data?: { error?: unknown }; statusCode?: number; message?: string };
  if (e.code === 'slack_webapi_platform_error') {
    const reason = String(e.data?.error ?? 'unknown_error');
    return new NoticeSendError(TRANSIENT.has(reason) ? 'transient' : 'permanent', reason, `Slack answered ${reason}`);
  }
  if (e.code === 'slack_webapi_http_error') {
    const status = e.statusCode ?? 0;
    const transient = status >= 500 || status === 408;
    return new NoticeSendError(transient ? 'transient' : 'permanent', `http_${status}`, `Slack answered HTTP ${status}`);
  }
  return new NoticeSendError('transient', 'network', `Slack could not be reached: ${e.message ?? String(error)}`);
}

/** Slack said 429: the caller (the notify worker) should wait `retryAfterSeconds`, then try again. */
export class SlackRateLimitedError extends Error {
  readonly code = 'SLACK_RATE_LIMITED';
  constructor(readonly retryAfterSeconds: number) {
    super(`Slack rate limit: retry after ${retryAfterSeconds}s`);
    this.name = 'SlackRateLimitedError';
  }
}

async function openDm(client: webApi.WebClient, user: string): Promise<string> {
  const opened = await client.conversations.open({ users: user });
  const id = opened.channel?.id;
  if (!id) throw new SlackSendError('SLACK_DM_FAILED', `conversations.open gave no channel for ${user}`);
  return id;
}

export class SlackSendError extends Error {
  constructor(readonly code: 'SLACK_NOT_INSTALLED' | 'SLACK_DM_FAILED', message: string) {
    super(message);
    this.name = 'SlackSendError';
  }
}
