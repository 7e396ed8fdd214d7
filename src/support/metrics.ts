import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

/** One registry per hub (no global default registry), exposed at /metrics. */
export function createMetrics(options: { defaults?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaults) collectDefaultMetrics({ register: registry });
  return {
    registry,
    likes: new Counter({ name: 'flattr_likes_total', help: 'Like events processed, by outcome and ignore reason', labelNames: ['platform', 'outcome', 'reason'] as const, registers: [registry] }),
    adapterIgnored: new Counter({ name: 'flattr_adapter_ignored_total', help: 'Platform payloads an adapter acknowledged and dropped, by reason', labelNames: ['platform', 'reason'] as const, registers: [registry] }),
    ingestBatch: new Histogram({ name: 'flattr_ingest_batch_seconds', help: 'Time to commit one ingest batch', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] }),
    ingestBatchSize: new Histogram({ name: 'flattr_ingest_batch_size', help: 'Events per ingest batch', buckets: [1, 10, 50, 100, 250, 500, 1000, 2500], registers: [registry] }),
    // A like an adapter could not hand to the likes queue (Redis down) waits in a bounded buffer; these say how many wait and how many were given up.
    likesBuffered: new Gauge({ name: 'flattr_likes_buffered', help: 'Likes waiting in an adapter for the likes queue to take them (Redis unreachable)', labelNames: ['platform'] as const, registers: [registry] }),
    likesDropped: new Counter({ name: 'flattr_likes_dropped_total', help: 'Likes an adapter received but could never enqueue, by reason (overflow, expired, shutdown)', labelNames: ['platform', 'reason'] as const, registers: [registry] }),
    // One series per check of money rule 10 (flattr ledger verify), set by every self-check: alert on `flattr_ledger_ok == 0`.
    ledgerOk: new Gauge({ name: 'flattr_ledger_ok', help: 'Ledger self-check by check (money rule 10): 1 holds, 0 broken at the last check', labelNames: ['check'] as const, registers: [registry] }),
    // Notices (docs/architecture.md): every outbox row ends sent, failed or skipped, counted here with its reason ('' when sent).
    notices: new Counter({ name: 'flattr_notices_total', help: 'Notices that ended sent, failed or skipped, by platform, kind and reason', labelNames: ['platform', 'kind', 'outcome', 'reason'] as const, registers: [registry] }),
    noticesRateLimited: new Counter({ name: 'flattr_notices_rate_limited_total', help: 'Notice sends a platform answered with 429 (each rescheduled after its Retry-After)', labelNames: ['platform'] as const, registers: [registry] }),
    // POST /stripe/webhook: outcome refused (signature), processed, redelivered (already processed) or failed (500, Stripe retries); type '' when refused.
    stripeWebhook: new Counter({ name: 'flattr_stripe_webhook_total', help: 'Stripe webhook deliveries by event type and outcome', labelNames: ['type', 'outcome'] as const, registers: [registry] }),
    notifyQueue: new Gauge({ name: 'flattr_notify_queue_jobs', help: 'Jobs on the notify queue by state, sampled by notify workers', labelNames: ['state'] as const, registers: [registry] }),
  };
}
