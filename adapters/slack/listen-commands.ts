import type { App } from '@slack/bolt';
import type { AdapterContext } from '../../src/adapters/port.js';
import { chatLocale } from '../../src/chat/chat-types.js';
import { runChatCommand } from '../../src/chat/run-chat-command.js';
import { slashCommandSchema } from './schema.js';
import type { SlackUserInfo } from './user-info.js';

type UserInfo = (client: Parameters<Parameters<App['command']>[1]>[0]['client'], team: string, user: string) => Promise<SlackUserInfo>;

/**
 * `/flattr …` → the shared chat use cases; the reply is the ephemeral body of
 * the acknowledgement (https://docs.slack.dev/interactivity/implementing-slash-commands).
 * Interactivity the hub does not use (buttons, views, shortcuts) is acknowledged and counted.
 */
export function listenCommands(app: App, ctx: AdapterContext, o: { userInfo: UserInfo }): void {
  app.use(async (args) => {
    const body = args.body as Record<string, unknown>;
    if (body.type === 'event_callback' || typeof body.command === 'string') return args.next();
    ctx.ignore('slack', 'unhandled_interaction', { type: String(body.type).slice(0, 64) });
    await (args as { ack?: () => Promise<void> }).ack?.();
  });

  app.command(/.*/, async ({ command, ack, client }) => {
    const parsed = slashCommandSchema.safeParse(command);
    if (!parsed.success) {
      ctx.ignore('slack', 'malformed_command', {});
      return ack();
    }
    const { team_id: team, user_id: user, channel_id: channel, text } = parsed.data;
    // Locale and admin flag only refine the reply: without them it is in the stored locale, and not an admin's.
    const info = await o.userInfo(client, team, user).catch((error: unknown) => {
      ctx.logger.warn({ err: error, team }, 'slack users.info failed for a command; answering without it');
      return undefined;
    });
    const reply = await runChatCommand({ db: ctx.db, now: ctx.now, logger: ctx.logger, money: ctx.money, publicUrl: ctx.publicUrl, payments: ctx.payments }, {
      // A DM (D…) is no place for payout notices, so it is not offered as the channel.
      platform: 'slack', userExternalId: `${team}:${user}`, community: team, channel: channel?.startsWith('D') ? undefined : channel,
      isCommunityAdmin: info?.isAdmin ?? false, locale: chatLocale(info?.locale), displayName: parsed.data.user_name,
    }, text);
    await ack({ response_type: 'ephemeral', text: reply.text });
  });
}
