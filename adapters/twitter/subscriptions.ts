import { ApiResponseError } from 'twitter-api-v2';
import { z } from 'zod';
import type { Db } from '../../src/db/database.js';
import type { Logger } from '../../src/support/logger.js';
import { describeXError, XTokenUnavailableError, type XAccessTokens } from './access-token.js';
import { findXWebhook, type XWebhookSettings } from './register-webhook.js';
import { xClient } from './x-client.js';

/** Rows reconciled per run; the next run takes the rest. */
const BATCH = 100;
/** A failing X call is tried again after 30 s, 1, 2, 4… minutes, at most an hour apart. */
const retryDelayMs = (attempts: number) => Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3600_000);

const subscriptionSchema = z.looseObject({ subscription_id: z.string(), filter: z.looseObject({ user_id: z.string(), direction: z.string().optional() }).optional() });
const createdSchema = z.looseObject({ data: z.looseObject({}) });
const listSchema = z.looseObject({ data: z.array(subscriptionSchema).optional() });

export type XSubscriptionDeps = {
  db: Db;
  tokens: XAccessTokens;
  settings: XWebhookSettings;
  webhookUrl: string;
  /** webhook or both: subscriptions wanted; poll: every subscription is deleted. */
  webhookMode: boolean;
  now: () => Date;
  logger: Logger;
};

export type XSubscriptionRun = { created: number; deleted: number; failed: number; waiting: number };

type Row = { identity_id: number; external_id: string; subscription_id: string | null; wanted: boolean; subscription_attempts: number };

/**
 * Brings every X identity's X Activity API subscription in line with what is
 * wanted: one `like.create` subscription (`direction: outbound`, the hub's
 * webhook) while the identity is connected and its user has X turned on (by
 * chat, the settings page or the CLI: they only change the setting), none
 * otherwise (turned off, disconnected, revoked, or TWITTER_MODE=poll).
 *
 * It runs as a queue job, every 30 seconds and right after a connect or a
 * disconnect (adapters/twitter/subscription-sync.ts), so a setting change
 * never waits for X, and a call X refuses is recorded on the row and tried
 * again later with backoff.
 */
export async function syncXSubscriptions(deps: XSubscriptionDeps): Promise<XSubscriptionRun> {
  const rows = await deps.db.$queryRawUnsafe<Row[]>(
    `SELECT t.identity_id, i.external_id, t.subscription_id, t.subscription_attempts,
            ($2 AND t.disconnected_at IS NULL AND coalesce('twitter' = ANY(s.platforms), false)) AS wanted
       FROM x_tokens t
       JOIN identities i ON i.id = t.identity_id
       LEFT JOIN supporter_settings s ON s.user_id = i.user_id
      WHERE (t.subscription_retry_at IS NULL OR t.subscription_retry_at <= $1)
        AND (t.subscription_id IS NULL) = ($2 AND t.disconnected_at IS NULL AND coalesce('twitter' = ANY(s.platforms), false))
      ORDER BY t.identity_id
      LIMIT ${BATCH}`,
    deps.now(), deps.webhookMode,
  );
  const run: XSubscriptionRun = { created: 0, deleted: 0, failed: 0, waiting: 0 };
  if (rows.length === 0) return run;
  let webhookId: string | undefined;
  for (const row of rows) {
    try {
      if (row.wanted) {
        webhookId ??= (await findXWebhook(deps.settings, deps.webhookUrl))?.id;
        if (!webhookId) throw new Error(`no webhook registered for ${deps.webhookUrl} (run flattr x webhook register)`);
        const created = await create(deps, row, webhookId);
        if (created === undefined) {
          run.waiting += 1;
          continue;
        }
        await deps.db.$executeRawUnsafe(
          `UPDATE x_tokens SET subscription_id = $2, subscription_attempts = 0, subscription_error = NULL, subscription_retry_at = NULL WHERE identity_id = $1`,
          row.identity_id, created,
        );
        run.created += 1;
      } else {
        await remove(deps, row.subscription_id!);
        await deps.db.$executeRawUnsafe(
          `UPDATE x_tokens SET subscription_id = NULL, subscription_attempts = 0, subscription_error = NULL, subscription_retry_at = NULL WHERE identity_id = $1 AND subscription_id = $2`,
          row.identity_id, row.subscription_id,
        );
        run.deleted += 1;
      }
    } catch (error) {
      run.failed += 1;
      const why = error instanceof ApiResponseError || error instanceof XTokenUnavailableError ? describeXError(error) : (error as Error).message;
      deps.logger.warn({ platform: 'twitter', identityId: row.identity_id, why }, `X subscription ${row.wanted ? 'create' : 'delete'} failed: tried again later`);
      await deps.db.$executeRawUnsafe(
        `UPDATE x_tokens SET subscription_attempts = subscription_attempts + 1, subscription_error = $2, subscription_retry_at = $3 WHERE identity_id = $1`,
        row.identity_id, why.slice(0, 500), new Date(deps.now().getTime() + retryDelayMs(row.subscription_attempts + 1)),
      );
    }
  }
  return run;
}

/**
 * POST /2/activity/subscriptions with the user's own token (like.create is a
 * private event: it needs their like.read grant). X's "duplicate" answer
 * means one exists already (a run that died before storing the id): adopt it.
 * Undefined: the identity has no working token any more (the next run deletes nothing, as none was made).
 */
async function create(deps: XSubscriptionDeps, row: Row, webhookId: string): Promise<string | undefined> {
  const token = await deps.tokens.accessTokenFor(row.identity_id);
  if (!token) return undefined;
  try {
    const answer = createdSchema.parse(await xClient(deps.settings, token).v2.post('activity/subscriptions', {
      event_type: 'like.create', filter: { user_id: row.external_id, direction: 'outbound' }, webhook_id: webhookId, tag: 'flattr',
    }));
    // X's documentation shows the subscription as `data`, or wrapped as `data.subscription`: either is taken.
    return subscriptionSchema.parse((answer.data as { subscription?: unknown }).subscription ?? answer.data).subscription_id;
  } catch (error) {
    if (!(error instanceof ApiResponseError) || error.code !== 409) throw error;
    const listed = listSchema.parse(await xClient(deps.settings, deps.settings.bearerToken).v2.get('activity/subscriptions'));
    const existing = listed.data?.find((s) => s.filter?.user_id === row.external_id && s.filter.direction === 'outbound');
    if (!existing) throw error;
    return existing.subscription_id;
  }
}

/** DELETE /2/activity/subscriptions/:id with the app's bearer token; one X no longer has is gone already. */
async function remove(deps: XSubscriptionDeps, subscriptionId: string): Promise<void> {
  try {
    await xClient(deps.settings, deps.settings.bearerToken).v2.delete(`activity/subscriptions/${subscriptionId}`);
  } catch (error) {
    if (error instanceof ApiResponseError && error.code === 404) return;
    throw error;
  }
}
