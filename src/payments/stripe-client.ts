import Stripe from 'stripe';
import type { Config } from '../config.js';

export type StripeConfig = NonNullable<Config['stripe']>;

/**
 * The one place a Stripe client is made, for the hub and its tests alike.
 * STRIPE_API_URL (tests and demos: the fake in test/fakes/stripe) becomes the
 * client's host, port and protocol. The client's own retries are off:
 * `callStripe` retries every call itself, 429s included, which stripe-node
 * leaves alone unless Stripe sends `Stripe-Should-Retry`.
 */
export function createStripe(config: Pick<StripeConfig, 'secretKey' | 'apiUrl'>): Stripe {
  const api = config.apiUrl ? new URL(config.apiUrl) : undefined;
  return new Stripe(config.secretKey, {
    maxNetworkRetries: 0,
    timeout: 20_000,
    appInfo: { name: 'flattr-hub' },
    ...(api && {
      host: api.hostname,
      port: api.port ? Number(api.port) : api.protocol === 'http:' ? 80 : 443,
      protocol: api.protocol === 'http:' ? 'http' : 'https',
    }),
  });
}

export type RetryPolicy = { attempts: number; baseDelayMs: number; maxDelayMs: number };
export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 8_000 };

/**
 * Whether a failed Stripe call may succeed when made again under the same
 * idempotency key: rate limits (429), Stripe's own errors (5xx), 409 lock
 * conflicts and lost connections. 4xx refusals are final.
 */
export function isTransientStripeError(error: unknown): boolean {
  if (error instanceof Stripe.errors.StripeConnectionError) return true;
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode ?? 0;
    return status === 429 || status === 409 || status >= 500;
  }
  return false;
}

/**
 * Runs one Stripe call, retried with exponential backoff (with jitter) on
 * transient errors. `call` must pass the same idempotency key on every
 * attempt, so Stripe answers a retry of work it already did with the first
 * result instead of doing it twice.
 */
export async function callStripe<T>(call: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.attempts || !isTransientStripeError(error)) throw error;
      const ceiling = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
      await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }
}

/**
 * An amount in minor units as Stripe's API takes it (a JSON number): exact up
 * to 2^53, refused beyond rather than rounded (money rule 1).
 */
export function toStripeAmount(minor: bigint): number {
  if (minor > BigInt(Number.MAX_SAFE_INTEGER) || minor < -BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`${minor} minor units is too large for one Stripe amount`);
  return Number(minor);
}

/** Stripe's status, code and message for a log line or a stored reason; never the request (it names the key and account). */
export function describeStripeError(error: unknown): string {
  if (error instanceof Stripe.errors.StripeError) return `${error.statusCode ?? 'network'} ${error.code ?? error.type}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}
