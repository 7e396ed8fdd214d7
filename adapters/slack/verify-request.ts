import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's replay window; Bolt enforces it only for old timestamps, the hub for future ones too. */
export const REPLAY_WINDOW_SECONDS = 5 * 60;

export type Verification = { ok: true } | { ok: false; reason: 'missing_headers' | 'stale_timestamp' | 'bad_signature' };

/**
 * Slack request signing (https://docs.slack.dev/authentication/verifying-requests-from-slack):
 * v0= + HMAC-SHA256 of "v0:<timestamp>:<raw body>". The clock is injected so
 * tests and the window check agree on "now".
 */
export function verifySlackRequest(input: {
  signingSecret: string; rawBody: Buffer; timestamp: string | undefined; signature: string | undefined; now: Date;
}): Verification {
  const { timestamp, signature } = input;
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'missing_headers' };
  const skew = Math.abs(Math.floor(input.now.getTime() / 1000) - Number(timestamp));
  if (skew > REPLAY_WINDOW_SECONDS) return { ok: false, reason: 'stale_timestamp' };
  const expected = Buffer.from(`v0=${signBody(input.signingSecret, timestamp, input.rawBody)}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'bad_signature' };
}

export function signBody(signingSecret: string, timestamp: string, rawBody: Buffer | string): string {
  return createHmac('sha256', signingSecret).update(`v0:${timestamp}:`).update(rawBody).digest('hex');
}
