import { App, ErrorCode, HTTPModuleFunctions, HTTPReceiver, type ReceiverProcessEventErrorHandlerArgs, type webApi } from '@slack/bolt';
import { chatLocale } from '../../src/chat/chat-types.js';
import { runChatCommand } from '../../src/chat/run-chat-command.js';
import type { AdapterContext } from '../../src/adapters/port.js';
import { createBotIds, createSingleAuthorize } from './authorize.js';
import { createInstallationStore, forgetBotToken } from './installation-store.js';
import { boltLogger } from './bolt-logger.js';
import { normalizeSlackEvent } from './normalize.js';
import { eventCallbackSchema, slashCommandSchema } from './schema.js';
import { createUserInfo, type SlackUserInfo } from './user-info.js';

export type SlackAppOptions = {
  signingSecret: string;
  botToken?: string;
  oauth?: { clientId: string; clientSecret: string; stateSecret: string };
  clientOptions: webApi.WebClientOptions;
};

/** Scopes the bot asks for at install: reactions in, the /flattr command, notices out. */
export const SLACK_SCOPES = ['reactions:read', 'commands', 'chat:write', 'users:read', 'im:write'];

/**
 * The Bolt app: an HTTPReceiver that is never started (the hub's server feeds
 * it), reaction events → LikeEvents, `/flattr` → the shared chat use cases.
 * processBeforeResponse: the 200 goes out only once the like is enqueued, so
 * a failure makes Slack retry instead of losing the reaction.
 */
export function createSlackApp(ctx: AdapterContext, options: SlackAppOptions): { app: App; receiver: HTTPReceiver } {
  const logger = boltLogger(ctx.logger);
  const { oauth } = options;
  // Inside a request Slack waits 3 s for: fail fast rather than retry for minutes (Slack redelivers instead).
  const clientOptions: webApi.WebClientOptions = { ...options.clientOptions, retryConfig: { retries: 0 }, timeout: 2_000 };
  const botIds = createBotIds(clientOptions);
  const onMissing = (team: string | undefined) => ctx.ignore('slack', 'not_installed', { team });
  const receiver = new HTTPReceiver({
    signingSecret: options.signingSecret,
    endpoints: ['/slack/events'],
    // Verified before Bolt by the hub, with the injectable clock and a two-sided window.
    signatureVerification: false,
    processBeforeResponse: true,
    logger,
    processEventErrorHandler: acknowledgeUninstalled,
    ...(oauth && {
      clientId: oauth.clientId, clientSecret: oauth.clientSecret, stateSecret: oauth.stateSecret,
      scopes: SLACK_SCOPES,
      installationStore: createInstallationStore({ db: ctx.db, cipher: ctx.cipher, botIds, onMissing }),
      redirectUri: `${ctx.publicUrl.replace(/\/$/, '')}/slack/oauth_redirect`,
      installerOptions: { directInstall: true, clientOptions: { ...options.clientOptions, retryConfig: { retries: 1 } }, installPath: '/slack/install', redirectUriPath: '/slack/oauth_redirect' },
    }),
  });
  const app = new App({
    receiver, logger, clientOptions, ignoreSelf: false, convoStore: false,
    // OAuth installs authorize through the receiver's installer (the installation store).
    ...(options.botToken && { authorize: createSingleAuthorize({ botToken: options.botToken, botIds }) }),
  });
  const userInfo = createUserInfo(ctx.now);

  // Interactivity the hub does not use (buttons, views, shortcuts): acknowledged and counted.
  app.use(async (args) => {
    const body = args.body as Record<string, unknown>;
    if (body.type === 'event_callback' || typeof body.command === 'string') return args.next();
    ctx.ignore('slack', 'unhandled_interaction', { type: String(body.type).slice(0, 64) });
    await (args as { ack?: () => Promise<void> }).ack?.();
  });

  app.event(/.*/, async ({ body, context, client }) => {
    const envelope = eventCallbackSchema.safeParse(body);
    if (!envelope.success) return ctx.ignore('slack', 'malformed_event', {});
    if (oauth && isUninstall(envelope.data.event)) {
      // https://docs.slack.dev/reference/events/app_uninstalled: the token is dead, keep no copy of it.
      await forgetBotToken(ctx.db, envelope.data.team_id);
      return ctx.logger.info({ team: envelope.data.team_id, event: envelope.data.event.type }, 'slack workspace uninstalled the app; token forgotten');
    }
    let result = normalizeSlackEvent(envelope.data);
    if (result.kind === 'like') {
      const user = String(envelope.data.event.user);
      const isBot = user === context.botUserId || (await lookup(() => userInfo(client, envelope.data.team_id, user)))?.isBot === true;
      result = normalizeSlackEvent(envelope.data, { isBot });
    }
    if (result.kind === 'ignored') return ctx.ignore('slack', result.reason, { ...result.details, retry: context.retryNum });
    await ctx.emitLike(result.event);
  });

  app.command(/.*/, async ({ command, ack, client }) => {
    const parsed = slashCommandSchema.safeParse(command);
    if (!parsed.success) {
      ctx.ignore('slack', 'malformed_command', {});
      return ack();
    }
    const { team_id: team, user_id: user, channel_id: channel, text } = parsed.data;
    // Locale and admin flag only refine the reply: without them it is in the stored locale, and not an admin's.
    const info = await userInfo(client, team, user).catch((error: unknown) => {
      ctx.logger.warn({ err: error, team }, 'slack users.info failed for a command; answering without it');
      return undefined;
    });
    const reply = await runChatCommand({ db: ctx.db, now: ctx.now, logger: ctx.logger }, {
      platform: 'slack', userExternalId: `${team}:${user}`, community: team, channel,
      isCommunityAdmin: info?.isAdmin ?? false, locale: chatLocale(info?.locale),
    }, text);
    await ack({ response_type: 'ephemeral', text: reply.text });
  });

  /** users.info answering "no such user" (a platform error) is not worth a retry; network failures are. */
  async function lookup(call: () => Promise<SlackUserInfo>): Promise<SlackUserInfo | undefined> {
    try {
      return await call();
    } catch (error) {
      if ((error as { code?: string }).code === 'slack_webapi_platform_error') {
        ctx.logger.warn({ err: error }, 'slack users.info refused; treating the user as a person');
        return undefined;
      }
      throw error;
    }
  }

  return { app, receiver };
}

/** app_uninstalled, or tokens_revoked naming bot tokens (https://docs.slack.dev/reference/events/tokens_revoked). */
function isUninstall(event: { type: string; tokens?: unknown }): boolean {
  if (event.type === 'app_uninstalled') return true;
  const bot = (event.tokens as { bot?: unknown } | undefined)?.bot;
  return event.type === 'tokens_revoked' && Array.isArray(bot) && bot.length > 0;
}

/**
 * An event from a workspace without an installation is acknowledged (and was
 * counted as not_installed): Bolt's default 401 would only make Slack retry
 * it. Other failures keep Bolt's 500, so Slack redelivers them.
 */
async function acknowledgeUninstalled(args: ReceiverProcessEventErrorHandlerArgs): Promise<boolean> {
  if ((args.error as { code?: string }).code === ErrorCode.AuthorizationError && !args.response.headersSent) {
    args.response.writeHead(200);
    args.response.end();
    return true;
  }
  return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
}
