import Stripe from 'stripe';
import type { StripeObject } from './server.js';

/** How a delivery reaches the hub: a real POST, or fastify's inject in web tests. */
export type PostWebhook = (body: string, headers: Record<string, string>) => Promise<{ status: number; body: string }>;

/** POSTs to `<hubUrl>/stripe/webhook` over the network. */
export function httpPoster(hubUrl: string): PostWebhook {
  const endpoint = `${hubUrl.replace(/\/+$/, '')}/stripe/webhook`;
  return async (body, headers) => {
    const res = await fetch(endpoint, { method: 'POST', body, headers });
    return { status: res.status, body: await res.text() };
  };
}

export type Delivery = {
  /** Seconds since the epoch the signature claims (default: the driver's clock): an old one makes a stale delivery. */
  timestamp?: number;
  /** Sign with another secret (a forgery). */
  secret?: string;
  /** Send this header instead (or none, with null). */
  signatureHeader?: string | null;
  /** Send these bytes instead of the event's JSON (after signing the event: a tampered body). */
  tamperedBody?: string;
};

/**
 * Delivers events to the hub's Stripe webhook the way Stripe does: the JSON
 * body with a `Stripe-Signature` header made by
 * `stripe.webhooks.generateTestHeaderString`, or a forged, stale or missing
 * one to test refusals. Resolves to the hub's status and body.
 */
export function createStripeWebhookDriver(o: { post: PostWebhook; secret: string; now?: () => number }) {
  const stripe = new Stripe('sk_test_driver');
  const now = o.now ?? (() => Date.now());
  return {
    async deliver(event: StripeObject, delivery: Delivery = {}) {
      const payload = JSON.stringify(event, null, 2);
      const header = delivery.signatureHeader !== undefined
        ? delivery.signatureHeader
        : stripe.webhooks.generateTestHeaderString({ payload, secret: delivery.secret ?? o.secret, timestamp: delivery.timestamp ?? Math.floor(now() / 1000) });
      return o.post(delivery.tamperedBody ?? payload, { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', ...(header !== null && { 'stripe-signature': header }) });
    },
  };
}
