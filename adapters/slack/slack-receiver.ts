import { ErrorCode, HTTPModuleFunctions, HTTPReceiver, type ReceiverProcessEventErrorHandlerArgs, type webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { AdapterContext } from '../../src/adapters/port.js';
import type { BotIds } from './authorize.js';
import { createInstallationStore } from './installation-store.js';

export type SlackOAuth = { clientId: string; clientSecret: string; stateSecret: string };

/** Scopes the bot asks for at install: reactions in, the /flattr command, notices out. */
export const SLACK_SCOPES = ['reactions:read', 'commands', 'chat:write', 'users:read', 'im:write'];

/**
 * Bolt's HTTPReceiver, never started: the hub's server feeds it. The hub has
 * verified the signature before (injectable clock, two-sided window), so
 * Bolt's own check is off. processBeforeResponse: the 200 goes out only once
 * the like is enqueued, so a failure makes Slack retry instead of losing it.
 */
export function createSlackReceiver(ctx: AdapterContext, o: {
  signingSecret: string; logger: BoltLogger; oauth?: SlackOAuth; clientOptions: webApi.WebClientOptions;
  botIds(token: string): Promise<BotIds>; onMissing(team: string | undefined): void;
}): HTTPReceiver {
  const { oauth } = o;
  return new HTTPReceiver({
    signingSecret: o.signingSecret,
    endpoints: ['/slack/events'],
    signatureVerification: false,
    processBeforeResponse: true,
    logger: o.logger,
    processEventErrorHandler: acknowledgeUninstalled,
    ...(oauth && {
      clientId: oauth.clientId, clientSecret: oauth.clientSecret, stateSecret: oauth.stateSecret,
      scopes: SLACK_SCOPES,
      installationStore: createInstallationStore({ db: ctx.db, cipher: ctx.cipher, botIds: o.botIds, onMissing: o.onMissing }),
      redirectUri: `${ctx.publicUrl.replace(/\/$/, '')}/slack/oauth_redirect`,
      installerOptions: {
        directInstall: true, installPath: '/slack/install', redirectUriPath: '/slack/oauth_redirect',
        clientOptions: { ...o.clientOptions, retryConfig: { retries: 1 } },
      },
    }),
  });
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
