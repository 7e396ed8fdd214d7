import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../support/logger.js';
import { adminContext } from './admin/admin-context.js';
import { registerApiRoutes } from './api/api-routes.js';
import { checkCsrf } from './check-csrf.js';
import { createDiscordSignIn } from './discord-sign-in.js';
import { STYLESHEET, STYLESHEET_PATH } from './layout.js';
import { replyErrorPage } from './reply-page.js';
import { registerAdminPages } from './routes/admin-pages.js';
import { registerClaimPage } from './routes/claim-page.js';
import { registerEarningsPage } from './routes/earnings-page.js';
import { registerHistoryPage } from './routes/history-page.js';
import { registerLoginRoutes } from './routes/login-routes.js';
import { registerMonthPage } from './routes/month-page.js';
import { registerOAuthRoutes } from './routes/oauth-routes.js';
import { registerSettingsPage } from './routes/settings-page.js';
import { registerWalletPage } from './routes/wallet-page.js';
import { SessionCache } from './session-cache.js';
import { sessionCookieName } from './session-cookie.js';
import { createSlackSignIn } from './slack-sign-in.js';
import { resolveViewer } from './viewer.js';
import type { WebContext } from './web-context.js';
import { WebViews } from './web-views.js';
import { WebError } from './web-error.js';

export type WebDeps = {
  config: Config;
  db: Db;
  /** The rate limiter's counters live here, so every api process counts the same attempts. */
  redis: Redis;
  sessionSecret: string;
  /** TOKEN_ENCRYPTION_KEY as resolved at start (Sign in with X keeps the user's tokens encrypted); default: the configuration's. */
  tokenEncryptionKey?: string;
  /** ADMIN_TOKEN as resolved at start (generated when unset); default: the configuration's. */
  adminToken?: string;
  logger: Logger;
  now?: () => Date;
  /** Sign-in attempts (GET /login/*, /auth/*) allowed per IP per window; default 10 a minute. */
  signInLimit?: { max: number; windowMs: number };
};

/**
 * The web side on the hub's one server (docs/contracts.md, HTTP): sign-in (one-time
 * links, Slack and Discord), sessions, the JSON API and the public claim page.
 * Everything is registered in its own encapsulated scope, so its cookies,
 * security headers (a strict content security policy), CSRF check and error
 * pages apply to these routes only, never to /slack/*, the probes or the
 * queue dashboard.
 */
export async function mountWeb(http: FastifyInstance, deps: WebDeps): Promise<void> {
  const ctx = webContext(deps);
  // Sign in with X keeps the user's tokens (they hear the likes); twitter-api-v2 loads only when X is configured.
  if (deps.config.twitter?.clientId) ctx.providers.twitter = (await import('../../adapters/twitter/x-sign-in.js')).xSignInFromConfig(deps.config, { secret: deps.sessionSecret, tokenEncryptionKey: deps.tokenEncryptionKey, now: ctx.now });
  const limit = deps.signInLimit ?? { max: 10, windowMs: 60_000 };
  await http.register(async (scope) => {
    await scope.register(fastifyCookie, { secret: deps.sessionSecret, hook: 'onRequest' });
    await scope.register(fastifyHelmet, {
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'none'"], styleSrc: ["'self'"], imgSrc: ["'self'", 'data:'], formAction: ["'self'"],
          baseUri: ["'none'"], frameAncestors: ["'none'"], ...(ctx.secure ? { upgradeInsecureRequests: [] } : {}),
        },
      },
      // HSTS only means something over https; on a plain-http local hub it would only confuse.
      strictTransportSecurity: ctx.secure ? { maxAge: 180 * 24 * 3600 } : false,
      // same-origin, not no-referrer: under no-referrer a browser sends "Origin: null" with its own forms' POSTs
      // (the Fetch standard), which the CSRF check must refuse; same-origin still tells other sites nothing
      // (a sign-in link's path never leaves the hub).
      referrerPolicy: { policy: 'same-origin' },
    });
    await scope.register(fastifyRateLimit, {
      global: false, redis: deps.redis, nameSpace: `${deps.config.redis.queuePrefix}:web-rate:`,
      errorResponseBuilder: (_request, context) => new WebError(429, 'rate_limited', `too many sign-in attempts; retry in ${context.after}`, Math.ceil(context.ttl / 1000)),
    });
    // One bucket per IP for every sign-in route together, so trying links and codes in turn gains nothing.
    const limitSignIn = scope.rateLimit({ max: limit.max, timeWindow: limit.windowMs, keyGenerator: (request) => `sign-in:${request.ip}` });

    // HTML forms post url-encoded bodies; only here (Slack reads its own raw bodies).
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    });
    scope.decorateRequest('viewer', null);
    scope.addHook('onRequest', (request, reply) => resolveViewer(ctx, request, reply));
    scope.addHook('preHandler', async (request) => checkCsrf(ctx, request));
    scope.addHook('onSend', async (request, reply) => {
      // Pages and answers name a person's money: never kept by a shared cache or the back button's store.
      if (request.url !== STYLESHEET_PATH) reply.header('cache-control', 'no-store');
      // Whatever a signed-in change did (settings, budget, tokens, a top-up), the user's next view reads afresh.
      // Here, before the answer leaves: a browser follows a 303 only after it.
      if (request.viewer && request.method !== 'GET' && request.method !== 'HEAD') ctx.views.forgetUser(request.viewer.userId);
    });
    scope.setErrorHandler((error, request, reply) => handleError(ctx, error, request, reply));
    const stopSharing = await ctx.views.share(deps.redis, `${deps.config.redis.queuePrefix}:web-views:forget`, deps.logger);
    scope.addHook('onClose', async () => {
      await stopSharing();
      await ctx.admin.close();
    });

    scope.get(STYLESHEET_PATH, async (_request, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STYLESHEET));
    registerLoginRoutes(scope, ctx, limitSignIn);
    registerOAuthRoutes(scope, ctx, limitSignIn);
    registerClaimPage(scope, ctx);
    registerMonthPage(scope, ctx);
    registerSettingsPage(scope, ctx);
    registerHistoryPage(scope, ctx);
    registerWalletPage(scope, ctx, { topups: Boolean(deps.config.stripe) });
    // Stripe top-ups (issue 17): the stripe package loads only when payments are configured.
    if (deps.config.stripe) (await import('./topup/topup-routes.js')).registerTopupRoutes(scope, ctx, deps.config.stripe);
    if (deps.config.stripe) (await import('./topup/monthly-topup-routes.js')).registerMonthlyTopupRoutes(scope, ctx, deps.config.stripe);
    registerEarningsPage(scope, ctx);
    // Creator payouts through Stripe Connect: the stripe package loads only when configured.
    if (deps.config.stripe) (await import('../payments/payouts/web/payouts-routes.js')).registerPayoutsRoutes(scope, ctx, { stripe: (await import('../payments/stripe-client.js')).createStripe(deps.config.stripe), minimum: deps.config.stripe.payoutMinimum });
    registerAdminPages(scope, ctx);
    // Top-ups on the API too: the same use case as /wallet/topup and /flattr topup, made only with Stripe configured.
    registerApiRoutes(scope, ctx, { payments: deps.config.stripe ? (await import('../payments/chat-payments.js')).createChatPayments(deps.config, deps.db) : undefined });
  });
}

function webContext(deps: WebDeps): WebContext {
  const publicUrl = deps.config.http.publicUrl.replace(/\/+$/, '');
  const secure = new URL(publicUrl).protocol === 'https:';
  const { slack, discord } = deps.config;
  return {
    db: deps.db, logger: deps.logger, now: deps.now ?? (() => new Date()),
    publicUrl, publicOrigin: new URL(publicUrl).origin, secure,
    cookies: { session: sessionCookieName(secure), oauth: secure ? '__Secure-flattr_oauth' : 'flattr_oauth' },
    sessionSecret: deps.sessionSecret, sessions: new SessionCache(deps.db), views: new WebViews(),
    admin: adminContext(deps),
    money: {
      escrowHoldDays: deps.config.money.escrowHoldDays, timeZone: deps.config.money.timeZone,
      feeBps: deps.config.money.feeBps, unspentPolicy: deps.config.money.unspentPolicy,
    },
    providers: {
      // Sign in with Slack needs the app's OAuth client (SLACK_CLIENT_ID/SECRET); a single-workspace bot token alone has none.
      ...(slack?.clientId && slack.clientSecret ? { slack: createSlackSignIn({ clientId: slack.clientId, clientSecret: slack.clientSecret, apiUrl: slack.apiUrl }) } : {}),
      ...(discord?.clientSecret ? { discord: createDiscordSignIn({ clientId: discord.applicationId, clientSecret: discord.clientSecret, apiUrl: discord.apiUrl }) } : {}),
    },
  };
}

/** A refusal or failure: a page for browsers, `{ error: { code, message } }` on /api/. */
function handleError(ctx: WebContext, error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  let web: WebError;
  if (error instanceof WebError) web = error;
  else if (isClientError(error)) {
    // Fastify's own refusals: malformed JSON, an unsupported content type, a body too large.
    web = new WebError(error.statusCode, 'invalid_input', error.message);
  } else {
    ctx.logger.error({ err: error, url: request.url, method: request.method }, 'web request failed');
    web = new WebError(500, 'internal', 'something went wrong');
  }
  if (web.retryAfter !== undefined) reply.header('retry-after', String(web.retryAfter));
  if (request.url.startsWith('/api/')) return reply.code(web.statusCode).send({ error: { code: web.code, message: web.message } });
  return replyErrorPage(request, reply, web.statusCode, web.code);
}

function isClientError(error: unknown): error is FastifyError & { statusCode: number } {
  const status = (error as FastifyError | undefined)?.statusCode;
  return error instanceof Error && typeof status === 'number' && status >= 400 && status < 500;
}
