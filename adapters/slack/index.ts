import { createHash } from 'node:crypto';
import type { App, HTTPReceiver, webApi } from '@slack/bolt';
import type { Config } from '../../src/config.js';
import type { AdapterContext, PlatformAdapter } from '../../src/adapters/port.js';
import { loadBotToken } from './installation-store.js';
import { createSlackSender, type SlackNotice } from './send.js';
import { createSlackApp } from './slack-app.js';
import { mountSlackRoutes } from './slack-http.js';

export type SlackConfig = NonNullable<Config['slack']>;
export type SlackAdapter = PlatformAdapter & { send(notice: SlackNotice): Promise<{ channel: string; ts: string }> };

/**
 * Slack: Bolt on the hub's HTTP server at /slack/events (and /slack/install,
 * /slack/oauth_redirect for OAuth installs). Start mounts the routes once;
 * stop makes them answer 503 so Slack retries later. Both are idempotent.
 * The Slack app itself is created from manifest.json (replace HUB_PUBLIC_URL
 * with PUBLIC_URL); its scopes and events are checked against this code by a test.
 */
export function createSlackAdapter(config: SlackConfig, ctx: AdapterContext): SlackAdapter {
  // web-api joins method names onto the base URL, so it must end with "/".
  const clientOptions: webApi.WebClientOptions = config.apiUrl ? { slackApiUrl: config.apiUrl.replace(/\/?$/, '/') } : {};
  let running: { app: App; receiver: HTTPReceiver } | undefined;
  let mounted = false;
  const tokenFor = async (team: string) => config.botToken ?? loadBotToken(ctx.db, ctx.cipher, team);

  return {
    name: 'slack',
    async start() {
      if (running) return;
      running = createSlackApp(ctx, {
        signingSecret: config.signingSecret, botToken: config.botToken, clientOptions,
        oauth: config.clientId && config.clientSecret ? {
          clientId: config.clientId, clientSecret: config.clientSecret,
          // Shared by every hub process (the install may start on one and return to another), and secret.
          stateSecret: createHash('sha256').update(`flattr-slack-oauth-state:${config.clientSecret}`).digest('hex'),
        } : undefined,
      });
      if (!ctx.http) {
        ctx.logger.warn('slack: no HTTP server in this process (worker role?), so no Slack events are received here');
      } else if (!mounted) {
        mountSlackRoutes(ctx.http, {
          signingSecret: config.signingSecret, now: ctx.now, logger: ctx.logger, receiver: () => running?.receiver,
          ignoreUnknown: (details) => ctx.ignore('slack', 'unknown_payload', details),
        });
        mounted = true;
      }
    },
    async stop() {
      running = undefined;
    },
    send: createSlackSender({ tokenFor, clientOptions }),
  };
}
