import { webApi, type Authorize, type AuthorizeResult } from '@slack/bolt';
import type { Db } from '../../src/db/database.js';
import type { TokenCipher } from '../../src/support/token-cipher.js';
import { loadBotToken, SlackInstallError } from './installation-store.js';

type BotIds = { botUserId?: string; botId?: string };

/**
 * Bolt's authorize for both set-ups: the single SLACK_BOT_TOKEN, or the
 * workspace's token from an OAuth install. The bot's own user id (auth.test)
 * is cached per token so its reactions can be told apart from people's.
 */
export function createAuthorize(deps: {
  db: Db; cipher: TokenCipher; botToken?: string; clientOptions: webApi.WebClientOptions; onMissing(team: string | undefined): void;
}): Authorize<boolean> {
  const ids = new Map<string, Promise<BotIds>>();
  const botIds = (token: string) => {
    const cached = ids.get(token);
    if (cached) return cached;
    const found: Promise<BotIds> = new webApi.WebClient(token, deps.clientOptions).auth.test()
      .then((r: webApi.AuthTestResponse) => ({ botUserId: r.user_id, botId: r.bot_id }));
    // A failed lookup is retried on the next event rather than cached.
    found.catch(() => ids.delete(token));
    ids.set(token, found);
    return found;
  };
  return async (source): Promise<AuthorizeResult> => {
    const token = deps.botToken ?? (source.teamId ? await loadBotToken(deps.db, deps.cipher, source.teamId) : undefined);
    if (!token) {
      deps.onMissing(source.teamId);
      throw new SlackInstallError(`no installation for team ${source.teamId ?? '(none)'}: install the app with /slack/install`);
    }
    return { botToken: token, teamId: source.teamId, ...(await botIds(token)) };
  };
}
