import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Logger } from '../support/logger.js';
import type { Metrics } from '../support/metrics.js';
import { createStripe } from './stripe-client.js';
import { mountStripeWebhook } from './webhook/stripe-webhook-route.js';

/** The payments half of an api process, when Stripe is configured: POST /stripe/webhook. */
export function mountPayments(http: FastifyInstance, deps: { config: Config; db: Db; logger: Logger; metrics?: Metrics; now?: () => Date }): void {
  const stripeConfig = deps.config.stripe;
  if (!stripeConfig) return;
  mountStripeWebhook(http, { db: deps.db, stripe: createStripe(stripeConfig), webhookSecret: stripeConfig.webhookSecret, logger: deps.logger, metrics: deps.metrics, now: deps.now });
}
