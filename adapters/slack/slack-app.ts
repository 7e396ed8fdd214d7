import { App, type HTTPReceiver, type webApi } from '@slack/bolt';
import type { AdapterContext } from '../../src/adapters/port.js';
import { createBotIds, createSingleAuthorize } from './authorize.js';
import { boltLogger } from './bolt-logger.js';
import { listenCommands } from './listen-commands.js';
import { listenReactions } from './listen-reactions.js';
import { createSlackReceiver, type SlackOAuth } from './slack-receiver.js';
import { createUserInfo } from './user-info.js';

export { SLACK_SCOPES } from './slack-receiver.js';

export type SlackAppOptions = { signingSecret: string; botToken?: string; oauth?: SlackOAuth; clientOptions: webApi.WebClientOptions };

/** The Bolt app for one hub process: receiver, authorization, and the listeners. */
export function createSlackApp(ctx: AdapterContext, options: SlackAppOptions): { app: App; receiver: HTTPReceiver } {
  const logger = boltLogger(ctx.logger);
  // Inside a request Slack waits 3 s for: fail fast rather than retry for minutes (Slack redelivers instead).
  const clientOptions: webApi.WebClientOptions = { ...options.clientOptions, retryConfig: { retries: 0 }, timeout: 2_000 };
  const botIds = createBotIds(clientOptions);
  const receiver = createSlackReceiver(ctx, {
    signingSecret: options.signingSecret, logger, oauth: options.oauth, clientOptions: options.clientOptions, botIds,
    onNotInstalled: (team) => ctx.ignore('slack', 'not_installed', { team }),
  });
  const app = new App({
    receiver, logger, clientOptions, ignoreSelf: false, convoStore: false,
    // OAuth installs authorize through the receiver's installer (the installation store).
    ...(options.botToken && { authorize: createSingleAuthorize({ botToken: options.botToken, botIds }) }),
  });
  const userInfo = createUserInfo(ctx.now);
  listenCommands(app, ctx, { userInfo });
  listenReactions(app, ctx, { oauth: Boolean(options.oauth), userInfo });
  return { app, receiver };
}
