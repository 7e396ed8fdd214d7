import { z } from 'zod';
import { isValidTimeZone } from './domain/period.js';

/**
 * The only module that reads the environment. Every problem is reported at
 * once, each naming its variable, so an operator fixes them in one go.
 */
const optionalText = z.string().trim().min(1).optional();
const url = z.url();

const envSchema = z.object({
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL').optional(),
  QUEUE_PREFIX: z.string().min(1).default('{flattr}'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  // Worker processes (--role worker) serve /healthz, /readyz and /metrics here; unset: they listen on nothing.
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  // Unset: the hub's own port on localhost, so links and the sign-in origin check match where it listens.
  PUBLIC_URL: url.optional(),
  FEE_BPS: z.coerce.number().int().min(0).max(10000).default(1000),
  SETTLEMENT_TZ: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as UTC or Europe/Paris').default('UTC'),
  SETTLEMENT_GRACE_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(60),
  ESCROW_HOLD_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  UNSPENT_POLICY: z.enum(['keep', 'charity']).default('keep'),
  SETTLEMENT_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).default(1000),
  SETTLEMENT_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
  SETTLEMENT_LOCK_SECONDS: z.coerce.number().int().min(1).max(3600).default(30),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  INGEST_CONCURRENCY: z.coerce.number().int().min(1).max(10000).default(2000),
  INGEST_BATCH_SIZE: z.coerce.number().int().min(1).max(10000).default(1000),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_BOT_TOKEN: optionalText,
  SLACK_CLIENT_ID: optionalText,
  SLACK_CLIENT_SECRET: optionalText,
  SLACK_API_URL: url.optional(),
  DISCORD_TOKEN: optionalText,
  DISCORD_APPLICATION_ID: optionalText,
  DISCORD_API_URL: url.optional(),
  // "Sign in with Discord": the OAuth2 client secret of the same application (DISCORD_APPLICATION_ID is its client id).
  DISCORD_CLIENT_SECRET: optionalText,
  // global: one registration for every server; guild: per server, applied at once (development).
  DISCORD_COMMAND_SCOPE: z.enum(['global', 'guild']).default('global'),
  TWITTER_CLIENT_ID: optionalText,
  TWITTER_CLIENT_SECRET: optionalText,
  TWITTER_CONSUMER_SECRET: optionalText,
  TWITTER_BEARER_TOKEN: optionalText,
  TWITTER_API_URL: url.optional(),
  // The hub's own X account (a user id), which sends statement DMs once connected at /auth/twitter?dm=1.
  TWITTER_DM_SENDER_ID: z.string().regex(/^\d{1,20}$/, 'must be a numeric X user id').optional(),
  // How X likes come in: X Activity API webhook deliveries, polling GET /2/users/:id/liked_tweets, or both.
  TWITTER_MODE: z.enum(['webhook', 'poll', 'both']).default('webhook'),
  // Polling: seconds between two polls of one supporter, pages read per poll at most, likes per page (X: 5 to 100).
  TWITTER_POLL_INTERVAL: z.coerce.number().int().min(60).max(24 * 3600).default(900),
  TWITTER_POLL_MAX_PAGES: z.coerce.number().int().min(1).max(20).default(1),
  TWITTER_POLL_PAGE_SIZE: z.coerce.number().int().min(5).max(100).default(100),
  // Stripe (issue 17): payments are off unless both the secret key and the webhook signing secret are set.
  STRIPE_SECRET_KEY: optionalText,
  STRIPE_WEBHOOK_SECRET: optionalText,
  STRIPE_API_URL: url.optional(),
  // A decimal in the creator's currency (parsed with that currency's exponent when payouts run): "35,5" and "1e3" are refused here.
  PAYOUT_MINIMUM: z.string().regex(/^\d{1,9}(\.\d{1,3})?$/, 'must be a decimal amount such as 10.00').default('10.00'),
  TOKEN_ENCRYPTION_KEY: z.string().regex(/^[A-Za-z0-9+/=_-]{43,88}$/, 'must be 32 bytes, base64 or hex').optional(),
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
});

export type Env = z.infer<typeof envSchema>;

export type Config = {
  database: { url?: string; pgliteDir: string };
  dataDir: string;
  redis: { url?: string; queuePrefix: string };
  /** `metricsPort`: where a worker-only process serves its probes and metrics (api processes serve them on `port`). */
  http: { port: number; host: string; publicUrl: string; metricsPort?: number };
  money: { feeBps: number; timeZone: string; graceMinutes: number; escrowHoldDays: number; unspentPolicy: 'keep' | 'charity' };
  ingest: { concurrency: number; batchSize: number };
  /**
   * Supporters per settlement batch (one transaction each), batches settled at once per worker, and
   * how long a dead worker's job stays locked before another worker takes it over.
   */
  settlement: { batchSize: number; concurrency: number; lockSeconds: number };
  logLevel: Env['LOG_LEVEL'];
  logFormat: 'json' | 'pretty';
  slack?: { signingSecret: string; botToken?: string; clientId?: string; clientSecret?: string; apiUrl?: string };
  discord?: { token: string; applicationId: string; apiUrl?: string; commandScope: 'global' | 'guild'; clientSecret?: string };
  twitter?: {
    clientId?: string; clientSecret?: string; consumerSecret?: string; bearerToken?: string; apiUrl?: string;
    mode: 'webhook' | 'poll' | 'both';
    /** TWITTER_DM_SENDER_ID: the hub's X account that sends statement DMs (adapters/twitter/send.ts). */
    dmSenderId?: string;
    /** TWITTER_POLL_*: used when mode is poll or both (adapters/twitter/poll). */
    poll: { intervalSeconds: number; maxPages: number; pageSize: number };
  };
  /** Stripe top-ups and payouts (src/payments); unset: payments off, manual `wallet credit` only. */
  stripe?: { secretKey: string; webhookSecret: string; apiUrl?: string; payoutMinimum: string };
  secrets: { tokenEncryptionKey?: string; adminToken?: string; sessionSecret?: string };
};

export class ConfigError extends Error {
  readonly code = 'INVALID_CONFIG';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "unset", as in most shells' `FOO= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = envSchema.safeParse(present);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)),
    ...platformProblems(present),
  ];
  if (!parsed.success || problems.length) throw new ConfigError(problems);
  const e = parsed.data;

  const slackOn = Boolean(e.SLACK_SIGNING_SECRET && (e.SLACK_BOT_TOKEN || e.SLACK_CLIENT_ID));
  const twitterOn = Boolean(e.TWITTER_BEARER_TOKEN || e.TWITTER_CLIENT_ID);
  return {
    database: { url: e.DATABASE_URL, pgliteDir: `${e.DATA_DIR}/pglite` },
    dataDir: e.DATA_DIR,
    redis: { url: e.REDIS_URL, queuePrefix: e.QUEUE_PREFIX },
    http: { port: e.PORT, host: e.HOST, publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT || 3000}`, metricsPort: e.METRICS_PORT },
    money: { feeBps: e.FEE_BPS, timeZone: e.SETTLEMENT_TZ, graceMinutes: e.SETTLEMENT_GRACE_MINUTES, escrowHoldDays: e.ESCROW_HOLD_DAYS, unspentPolicy: e.UNSPENT_POLICY },
    ingest: { concurrency: e.INGEST_CONCURRENCY, batchSize: e.INGEST_BATCH_SIZE },
    settlement: { batchSize: e.SETTLEMENT_BATCH_SIZE, concurrency: e.SETTLEMENT_CONCURRENCY, lockSeconds: e.SETTLEMENT_LOCK_SECONDS },
    logLevel: e.LOG_LEVEL,
    // A person at a terminal gets readable lines; pipes and log collectors get JSON.
    logFormat: e.LOG_FORMAT ?? (process.stderr.isTTY ? 'pretty' : 'json'),
    slack: slackOn
      ? { signingSecret: e.SLACK_SIGNING_SECRET!, botToken: e.SLACK_BOT_TOKEN, clientId: e.SLACK_CLIENT_ID, clientSecret: e.SLACK_CLIENT_SECRET, apiUrl: e.SLACK_API_URL }
      : undefined,
    discord: e.DISCORD_TOKEN ? { token: e.DISCORD_TOKEN, applicationId: e.DISCORD_APPLICATION_ID!, apiUrl: e.DISCORD_API_URL, commandScope: e.DISCORD_COMMAND_SCOPE, clientSecret: e.DISCORD_CLIENT_SECRET } : undefined,
    twitter: twitterOn
      ? {
        clientId: e.TWITTER_CLIENT_ID, clientSecret: e.TWITTER_CLIENT_SECRET, consumerSecret: e.TWITTER_CONSUMER_SECRET, bearerToken: e.TWITTER_BEARER_TOKEN, apiUrl: e.TWITTER_API_URL,
        mode: e.TWITTER_MODE, dmSenderId: e.TWITTER_DM_SENDER_ID,
        poll: { intervalSeconds: e.TWITTER_POLL_INTERVAL, maxPages: e.TWITTER_POLL_MAX_PAGES, pageSize: e.TWITTER_POLL_PAGE_SIZE },
      }
      : undefined,
    stripe: e.STRIPE_SECRET_KEY ? { secretKey: e.STRIPE_SECRET_KEY, webhookSecret: e.STRIPE_WEBHOOK_SECRET!, apiUrl: e.STRIPE_API_URL, payoutMinimum: e.PAYOUT_MINIMUM } : undefined,
    secrets: { tokenEncryptionKey: e.TOKEN_ENCRYPTION_KEY, adminToken: e.ADMIN_TOKEN, sessionSecret: e.SESSION_SECRET },
  };
}

/** Variables that only make sense together: a half-configured platform is named, not silently left off. */
function platformProblems(e: Record<string, string | undefined>): string[] {
  const problems: string[] = [];
  if (e.SLACK_BOT_TOKEN && e.SLACK_CLIENT_ID) problems.push('SLACK_BOT_TOKEN and SLACK_CLIENT_ID: set one (single workspace) or the other (OAuth install), not both');
  if ((e.SLACK_CLIENT_ID && !e.SLACK_CLIENT_SECRET) || (!e.SLACK_CLIENT_ID && e.SLACK_CLIENT_SECRET)) problems.push('SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: set both for OAuth installs');
  if ((e.SLACK_BOT_TOKEN || e.SLACK_CLIENT_ID) && !e.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET: required when Slack is configured');
  if (e.SLACK_SIGNING_SECRET && !e.SLACK_BOT_TOKEN && !e.SLACK_CLIENT_ID) problems.push('SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth installs): required with SLACK_SIGNING_SECRET');
  if (e.DISCORD_TOKEN && !e.DISCORD_APPLICATION_ID) problems.push('DISCORD_APPLICATION_ID: required with DISCORD_TOKEN');
  if (e.DISCORD_APPLICATION_ID && !e.DISCORD_TOKEN) problems.push('DISCORD_TOKEN: required with DISCORD_APPLICATION_ID');
  if (e.DISCORD_CLIENT_SECRET && !e.DISCORD_TOKEN) problems.push('DISCORD_CLIENT_SECRET: Sign in with Discord needs the Discord bot configured too (DISCORD_TOKEN and DISCORD_APPLICATION_ID)');
  if (e.STRIPE_SECRET_KEY && !e.STRIPE_WEBHOOK_SECRET) problems.push('STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY (the wallet is credited only by signed webhooks)');
  if (e.STRIPE_WEBHOOK_SECRET && !e.STRIPE_SECRET_KEY) problems.push('STRIPE_SECRET_KEY: required with STRIPE_WEBHOOK_SECRET');
  return problems;
}
