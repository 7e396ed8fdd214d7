import { webApi, type Authorize, type AuthorizeResult } from '@slack/bolt';

export type BotIds = { botUserId?: string; botId?: string };

/**
 * The bot's own user and bot ids for a token (auth.test), cached per token, so
 * its own reactions can be told apart from people's. A failed lookup is
 * retried on the next event rather than cached.
 */
export function createBotIds(clientOptions: webApi.WebClientOptions): (token: string) => Promise<BotIds> {
  const ids = new Map<string, Promise<BotIds>>();
  return (token) => {
    const cached = ids.get(token);
    if (cached) return cached;
    const found: Promise<BotIds> = new webApi.WebClient(token, clientOptions).auth.test()
      .then((r: webApi.AuthTestResponse) => ({ botUserId: r.user_id, botId: r.bot_id }));
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
