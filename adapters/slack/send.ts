import { webApi } from '@slack/bolt';

/** A notice to one Slack workspace: in a channel, or as a DM to a user. */
export type SlackNotice = { team: string; text: string } & ({ channel: string } | { user: string });

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
    // rejectRateLimitedCalls: a 429 surfaces at once instead of the client sleeping inside a worker job.
    const client = new webApi.WebClient(token, { ...deps.clientOptions, rejectRateLimitedCalls: true, retryConfig: { retries: 0 } });
    try {
      const channel = 'channel' in notice ? notice.channel : await openDm(client, notice.user);
      const posted = await client.chat.postMessage({ channel, text: notice.text, unfurl_links: false });
      return { channel, ts: posted.ts! };
    } catch (error) {
      const limited = error as { code?: string; retryAfter?: number };
      if (limited.code === 'slack_webapi_rate_limited_error') throw new SlackRateLimitedError(limited.retryAfter ?? 1);
      throw error;
    }
  };
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
