import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * X's webhook security (https://docs.x.com/x-api/webhooks/introduction):
 * the CRC answer and the delivery signature are both base64 HMAC-SHA256 with
 * the app's consumer secret, prefixed `sha256=`.
 */
export function xSignature(data: string | Buffer, consumerSecret: string): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(data).digest('base64')}`;
}

/** `{ response_token }` for GET ?crc_token=…: proves to X that the hub holds the consumer secret. */
export function crcResponse(crcToken: string, consumerSecret: string): { response_token: string } {
  return { response_token: xSignature(crcToken, consumerSecret) };
}

/**
 * Whether `header` (x-twitter-webhooks-signature) signs exactly these raw
 * bytes. Compared in constant time over SHA-256 digests of both sides, so
 * neither the length nor the content of the expected value leaks.
 */
export function verifyXSignature(rawBody: Buffer, header: string | string[] | undefined, consumerSecret: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('sha256=')) return false;
  const expected = createHmac('sha256', 'compare').update(xSignature(rawBody, consumerSecret)).digest();
  const given = createHmac('sha256', 'compare').update(header).digest();
  return timingSafeEqual(expected, given);
}
