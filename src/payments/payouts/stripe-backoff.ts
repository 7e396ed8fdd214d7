import Stripe from 'stripe';

export type BackoffOptions = { attempts?: number; baseDelayMs?: number; sleep?: (ms: number) => Promise<void> };

/**
 * Stripe answers worth asking again, with the same idempotency key: rate
 * limited (429), Stripe's own failures (5xx), a lock conflict (409) and the
 * network. stripe-node retries 5xx and the network itself when asked to, but
 * never a 429 without Stripe-Should-Retry, so this loop does all of them.
 */
export function isTransientStripeError(error: unknown): boolean {
  if (error instanceof Stripe.errors.StripeConnectionError || error instanceof Stripe.errors.StripeRateLimitError) return true;
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode ?? 0;
    return status === 409 || status === 429 || status >= 500;
  }
  return false;
}

/** Calls `call` until it succeeds, fails for good, or `attempts` transient failures (exponential backoff with jitter). */
export async function withStripeBackoff<T>(call: () => Promise<T>, options: BackoffOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 500;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !isTransientStripeError(error)) throw error;
      const delay = base * 2 ** (attempt - 1);
      await sleep(delay / 2 + Math.floor(Math.random() * (delay / 2)));
    }
  }
}
