import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { z } from 'zod';
import type { Db } from '../../db/database.js';
import type { Logger } from '../../support/logger.js';
import type { Metrics } from '../../support/metrics.js';
import type { StripeEventHandler } from './handler.js';
import { STRIPE_EVENT_HANDLERS } from './handlers.js';
import { processStripeEvent } from './process-stripe-event.js';
import { storeStripeEvent } from './store-stripe-event.js';

/** Stripe's own default: a signature older than 5 minutes is a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;
/** Stripe events are small; a body past this is not Stripe's. */
const BODY_LIMIT = 512 * 1024;

const envelope = z.object({ id: z.string().min(1).max(255), type: z.string().min(1).max(255), livemode: z.boolean() }).passthrough();

export type StripeWebhookDeps = {
  db: Db;
  stripe: Stripe;
  webhookSecret: string;
  logger: Logger;
  now?: () => Date;
  handlers?: Readonly<Record<string, StripeEventHandler>>;
  metrics?: Pick<Metrics, 'stripeWebhook'>;
};

/**
 * POST /stripe/webhook: the signature is checked on the raw bytes with
 * `stripe.webhooks.constructEvent` (300 s tolerance) before anything is
 * parsed or stored: forged, tampered or stale deliveries get 400 and change
 * nothing. A verified event is stored (committed), then acted on inline in
 * one transaction (process-stripe-event.ts): the work is a few rows, so the
 * answer still comes in milliseconds, and the event is never acknowledged
 * before its effect is durable. Unknown types are stored, acknowledged and
 * ignored; a redelivery answers 200 and does nothing; a failure answers 500
 * so Stripe retries (with backoff, for up to three days).
 */
export function mountStripeWebhook(http: FastifyInstance, deps: StripeWebhookDeps): void {
  const now = deps.now ?? (() => new Date());
  const handlers = deps.handlers ?? STRIPE_EVENT_HANDLERS;
  const logger = deps.logger.child({ component: 'stripe-webhook' });
  const count = (type: string, outcome: 'refused' | 'processed' | 'redelivered' | 'failed') => deps.metrics?.stripeWebhook.inc({ type, outcome });
  void http.register(async (scope) => {
    // The signature covers the exact bytes Stripe sent: keep them, parse after verifying.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) => done(null, body));

    scope.post('/stripe/webhook', async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const signature = request.headers['stripe-signature'];
      let event: Stripe.Event;
      try {
        if (typeof signature !== 'string') throw new Error('no Stripe-Signature header');
        event = deps.stripe.webhooks.constructEvent(raw, signature, deps.webhookSecret, SIGNATURE_TOLERANCE_SECONDS, undefined, now().getTime());
      } catch (error) {
        // The message says which check failed (no header, wrong signature, stale); never the header itself.
        const why = error instanceof Error ? error.message.split('\n')[0] : 'unverifiable';
        logger.info({ why }, 'stripe webhook refused: signature not verified');
        count('', 'refused');
        return reply.code(400).send({ error: { code: 'bad_signature', message: 'the Stripe-Signature header does not verify' } });
      }
      const parsed = envelope.safeParse(event);
      if (!parsed.success) {
        logger.warn({ issues: parsed.error.issues.map((i) => i.path.join('.')) }, 'stripe webhook refused: not an event');
        count('', 'refused');
        return reply.code(400).send({ error: { code: 'bad_event', message: 'the body is not a Stripe event' } });
      }
      await storeStripeEvent(deps.db, parsed.data, raw.toString('utf8'), now());
      try {
        const { outcome, processedNow } = await processStripeEvent(deps.db, event, handlers, { stripe: deps.stripe, logger, now });
        logger.info({ eventId: event.id, type: event.type, outcome, redelivery: !processedNow }, 'stripe event');
        count(event.type, processedNow ? 'processed' : 'redelivered');
        return reply.code(200).send({ received: true, outcome: processedNow ? outcome : 'already processed' });
      } catch (error) {
        logger.error({ err: error, eventId: event.id, type: event.type }, 'stripe event failed: stored, answered 500 so Stripe delivers it again');
        count(event.type, 'failed');
        return reply.code(500).send({ error: { code: 'processing_failed', message: 'stored; will be processed when delivered again' } });
      }
    });
  });
}
