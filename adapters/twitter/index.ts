import type { AdapterContext, PlatformAdapter } from '../../src/adapters/port.js';
import { registerXWebhook, xWebhookUrl } from './register-webhook.js';
import { mountXWebhookRoutes } from './webhook-routes.js';

/** The X variables as config.ts reads them (TWITTER_*). */
export type TwitterConfig = {
  clientId?: string; clientSecret?: string; consumerSecret?: string; bearerToken?: string; apiUrl?: string;
  /** TWITTER_MODE: webhook (default), poll or both. */
  mode?: 'webhook' | 'poll' | 'both';
};

/** Whether likes come in through the X Activity API webhook (TWITTER_MODE webhook or both). */
export const usesXWebhook = (config: TwitterConfig) => (config.mode ?? 'webhook') !== 'poll';

/**
 * X's webhook half (issue 16): GET/POST /twitter/webhook on the hub's server,
 * and, once the server listens, the registration of PUBLIC_URL/twitter/webhook
 * at X (a refusal is one line in the log and does not stop the hub; `flattr x
 * webhook register` does it by hand). Stopped, the routes answer 503 so X
 * delivers again later. Connecting X (/auth/twitter) lives with the web
 * sign-in; subscriptions are kept in line by a queue job in worker processes
 * (subscription-sync.ts); polling is adapters/twitter/poll.
 */
export function createTwitterAdapter(config: TwitterConfig, ctx: AdapterContext): PlatformAdapter {
  let running = false;
  let mounted = false;
  let registration: Promise<void> | undefined;
  const webhook = usesXWebhook(config) && config.consumerSecret ? { consumerSecret: config.consumerSecret } : undefined;

  const register = async () => {
    if (!config.bearerToken) {
      ctx.logger.warn({ platform: 'twitter' }, 'X webhook not registered: set TWITTER_BEARER_TOKEN (the app\'s bearer token)');
      return;
    }
    const url = xWebhookUrl(ctx.publicUrl);
    try {
      const done = await registerXWebhook({ ...config, bearerToken: config.bearerToken }, url);
      ctx.logger.info({ platform: 'twitter', webhookId: done.id, outcome: done.outcome }, `X webhook ${done.outcome.replace('_', ' ')}: ${url}`);
    } catch (error) {
      ctx.logger.warn({ platform: 'twitter', url }, `${(error as Error).message} (the hub goes on; fix it, then run: flattr x webhook register)`);
    }
  };

  return {
    name: 'twitter',
    async start() {
      if (running) return;
      running = true;
      if (!webhook) return;
      if (!ctx.http) {
        ctx.logger.warn('twitter: no HTTP server in this process (worker role?), so no X deliveries are received here');
        return;
      }
      if (!mounted) {
        mountXWebhookRoutes(ctx.http, { consumerSecret: webhook.consumerSecret, ctx, running: () => running, onRevoked: () => undefined });
        // X checks the URL with a CRC request while registering it, so only once the server answers.
        ctx.http.addHook('onListen', async () => {
          registration = register();
        });
        mounted = true;
      }
    },
    async stop() {
      running = false;
      await registration;
    },
  };
}
