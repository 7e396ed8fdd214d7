import { createHash, randomBytes } from 'node:crypto';

/**
 * Secrets the web side hands out (sign-in links, session ids, API tokens):
 * 256 random bits, URL-safe. Only their SHA-256 is stored, so the database
 * alone signs nobody in; a plain hash suffices because the secret is random,
 * not a password that could be guessed.
 */
export function newWebSecret(prefix = ''): { secret: string; hash: string } {
  const secret = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { secret, hash: hashWebSecret(secret) };
}

export function hashWebSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}
