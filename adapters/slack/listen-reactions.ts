import type { App } from '@slack/bolt';
import type { AdapterContext } from '../../src/adapters/port.js';
import { forgetBotToken } from './installation-store.js';
import { normalizeSlackEvent } from './normalize.js';
import { eventCallbackSchema } from './schema.js';
import type { SlackUserInfo } from './user-info.js';

type UserInfo = (client: Parameters<Parameters<App['event']>[1]>[0]['client'], team: string, user: string) => Promise<SlackUserInfo>;

/**
 * Every Events API event: reactions become LikeEvents, anything else is
 * ignored with a reason. Whether the reactor or the author is a bot is not in
 * the event, so users.info (cached) is asked, only for reactions that would count.
 */
export function listenReactions(app: App, ctx: AdapterContext, o: { oauth: boolean; userInfo: UserInfo }): void {
  app.event(/.*/, async ({ body, context, client }) => {
    const envelope = eventCallbackSchema.safeParse(body);
    if (!envelope.success) return ctx.ignore('slack', 'malformed_event', {});
    const { team_id: team, event } = envelope.data;
    if (o.oauth && isUninstall(event)) {
      // https://docs.slack.dev/reference/events/app_uninstalled: the token is dead, keep no copy of it.
      await forgetBotToken(ctx.db, team);
      return ctx.logger.info({ team, event: event.type }, 'slack workspace uninstalled the app; token forgotten');
    }
    let result = normalizeSlackEvent(envelope.data);
    if (result.kind === 'like') {
      const isBot = async (user: string) =>
        user === context.botUserId || (await lookup(ctx, () => o.userInfo(client, team, user)))?.isBot === true;
      const [reactor, author] = await Promise.all([isBot(String(event.user)), isBot(String(event.item_user))]);
      result = normalizeSlackEvent(envelope.data, { isBot: reactor, authorIsBot: author });
    }
    if (result.kind === 'ignored') return ctx.ignore('slack', result.reason, { ...result.details, retry: context.retryNum });
    await ctx.emitLike(result.event);
  });
}

/** users.info answering "no such user" (a platform error) is not worth a retry; network failures are (Slack redelivers on 500). */
async function lookup(ctx: AdapterContext, call: () => Promise<SlackUserInfo>): Promise<SlackUserInfo | undefined> {
  try {
    return await call();
  } catch (error) {
    if ((error as { code?: string }).code !== 'slack_webapi_platform_error') throw error;
    ctx.logger.warn({ err: error }, 'slack users.info refused; treating the user as a person');
    return undefined;
  }
}

/** app_uninstalled, or tokens_revoked naming bot tokens (https://docs.slack.dev/reference/events/tokens_revoked). */
function isUninstall(event: { type: string; tokens?: unknown }): boolean {
  if (event.type === 'app_uninstalled') return true;
  const bot = (event.tokens as { bot?: unknown } | undefined)?.bot;
  return event.type === 'tokens_revoked' && Array.isArray(bot) && bot.length > 0;
}
