import { ErrorCode, HTTPModuleFunctions, HTTPReceiver, type ReceiverProcessEventErrorHandlerArgs, type webApi, type Logger as BoltLogger } from '@slack/bolt';
import type { AdapterContext } from '../../src/adapters/port.js';
import type { BotIds } from './authorize.js';
import { createInstallationStore } from './installation-store.js';
import { SlackNotInstalledError } from './slack-not-installed-error.js';

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
  botIds(token: string): Promise<BotIds>; onNotInstalled(team: string | undefined): void;
}): HTTPReceiver {
  const { oauth } = o;
  return new HTTPReceiver({
    signingSecret: o.signingSecret,
    endpoints: ['/slack/events'],
    signatureVerification: false,
    processBeforeResponse: true,
    logger: o.logger,
    processEventErrorHandler: (args) => answerAuthorizationFailure(args, o.onNotInstalled),
    ...(oauth && {
      clientId: oauth.clientId, clientSecret: oauth.clientSecret, stateSecret: oauth.stateSecret,
      scopes: SLACK_SCOPES,
      installationStore: createInstallationStore({ db: ctx.db, cipher: ctx.cipher, botIds: o.botIds }),
      redirectUri: `${ctx.publicUrl.replace(/\/$/, '')}/slack/oauth_redirect`,
      installerOptions: {
        directInstall: true, installPath: '/slack/install', redirectUriPath: '/slack/oauth_redirect',
        clientOptions: { ...o.clientOptions, retryConfig: { retries: 1 } },
      },
    }),
  });
}

/**
 * Bolt answers every authorization failure 401, which would lose the event to
 * a passing fault. Only a workspace without an installation is acknowledged
 * (200, counted as not_installed): a retry could not help it. Any other
 * failure (the database away, a token that does not decrypt, auth.test
 * timing out or failing) answers 500, so Slack redelivers the event later;
 * so do failures after authorization (Bolt's default handler).
 */
async function answerAuthorizationFailure(args: ReceiverProcessEventErrorHandlerArgs, onNotInstalled: (team: string | undefined) => void): Promise<boolean> {
  if ((args.error as { code?: string }).code !== ErrorCode.AuthorizationError || args.response.headersSent) {
    return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
  }
  const missing = findNotInstalled(args.error);
  if (missing) {
    onNotInstalled(missing.team);
    args.response.writeHead(200);
    args.response.end();
    return true;
  }
  args.logger.error(`Slack event not authorized, answered 500 so Slack retries it: ${describeCause(args.error)}`);
  args.response.writeHead(500);
  args.response.end();
  return false;
}

/**
 * The SlackNotInstalledError behind an authorization failure, if that is what
 * it is. Bolt wraps what authorize threw in its AuthorizationError
 * (`original`); OAuth installs add @slack/oauth's AuthorizationError in
 * between, so the chain is walked.
 */
function findNotInstalled(error: unknown): SlackNotInstalledError | undefined {
  for (const e of causes(error)) if (e instanceof SlackNotInstalledError) return e;
  return undefined;
}

/** The innermost error's name and code (not its message, which may quote a connection string). */
function describeCause(error: unknown): string {
  const inner = causes(error).at(-1) as { name?: string; code?: unknown } | undefined;
  return [inner?.name, inner?.code].filter((part) => part !== undefined).join(' ');
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && chain.length < 5; e = (e as { original?: unknown; cause?: unknown }).original ?? (e as { cause?: unknown }).cause) {
    chain.push(e);
  }
  return chain;
}
