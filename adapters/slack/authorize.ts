import { webApi, type Authorize, type AuthorizeResult } from '@slack/bolt';
import { SlackNotInstalledError } from './slack-not-installed-error.js';

export type BotIds = { botUserId?: string; botId?: string };

/**
 * auth.test answers that say the token itself is dead (revoked, workspace or
 * app gone): no retry can help, so it is the same as no installation.
 * https://docs.slack.dev/reference/methods/auth.test
 */
const DEAD_TOKEN = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'team_not_found']);

/**
 * The bot's own user and bot ids for a token (auth.test), cached per token, so
 * its own reactions can be told apart from people's. A failed lookup is
 * retried on the next event rather than cached; a timeout or an HTTP error
 * stays an error (the event answers 5xx and Slack redelivers it).
 */
export function createBotIds(clientOptions: webApi.WebClientOptions): (token: string) => Promise<BotIds> {
  const ids = new Map<string, Promise<BotIds>>();
  return (token) => {
    const cached = ids.get(token);
    if (cached) return cached;
    const found: Promise<BotIds> = new webApi.WebClient(token, clientOptions).auth.test()
      .then((r: webApi.AuthTestResponse) => ({ botUserId: r.user_id, botId: r.bot_id }), (error: unknown) => {
        const refused = error as { code?: string; data?: { error?: string } };
        if (refused.code === 'slack_webapi_platform_error' && DEAD_TOKEN.has(String(refused.data?.error))) {
          throw new SlackNotInstalledError(undefined, `Slack refused the bot token (${String(refused.data?.error)}): reinstall the app`);
        }
        throw error;
      });
    found.catch(() => ids.delete(token));
    ids.set(token, found);
    return found;
  };
}

/**
 * Bolt's authorize for the single-workspace set-up (SLACK_BOT_TOKEN); OAuth
 * installs authorize through Bolt's installer and the installation store.
 * Unlike Bolt's own single-token mode, nothing is called at construction.
 */
export function createSingleAuthorize(deps: { botToken: string; botIds(token: string): Promise<BotIds> }): Authorize<boolean> {
  return async (source): Promise<AuthorizeResult> => {
    return { botToken: deps.botToken, teamId: source.teamId, ...(await deps.botIds(deps.botToken)) };
  };
}
