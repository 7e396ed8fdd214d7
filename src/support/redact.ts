/**
 * Secrets out of logs and error messages. Two layers: the logger censors
 * fields by name (LOG_REDACT_PATHS), and text that may embed a secret (a URL
 * with a password, an OAuth callback's query, an Authorization header copied
 * into an error message) is scrubbed by pattern with redactText.
 */
export const CENSOR = '***';

/** Field names whose values are secrets wherever they appear in a log object (pino redact paths). */
const SECRET_KEYS = [
  'token', 'botToken', 'accessToken', 'refreshToken', 'access_token', 'refresh_token', 'id_token',
  'password', 'secret', 'signingSecret', 'clientSecret', 'client_secret', 'consumerSecret', 'bearerToken',
  'tokenEncryptionKey', 'adminToken', 'sessionSecret', 'authorization', 'cookie',
];
const HEADER_PATHS = ['authorization', 'cookie', '["set-cookie"]', '["x-slack-signature"]', '["x-twitter-webhooks-signature"]', '["stripe-signature"]']
  .map((h) => (h.startsWith('[') ? h : `.${h}`));
export const LOG_REDACT_PATHS = [
  ...SECRET_KEYS.flatMap((key) => [key, `*.${key}`]),
  ...['headers', '*.headers'].flatMap((root) => HEADER_PATHS.map((h) => `${root}${h}`)),
];

const PATTERNS: [RegExp, string][] = [
  // scheme://user:password@host → scheme://user:***@host (REDIS_URL, DATABASE_URL, any URL).
  [/\b([a-z][a-z0-9+.-]*:\/\/)([^\s:@/]*):([^\s@/]+)@/gi, `$1$2:${CENSOR}@`],
  // OAuth callbacks and token-bearing query strings.
  [/([?&](?:code|state|token|access_token|refresh_token|client_secret|password|oauth_verifier|crc_token)=)[^&\s#"']+/gi, `$1${CENSOR}`],
  // One-time sign-in links: /login/<token>.
  [/(\/login\/)[^\s/?#"']+/g, `$1${CENSOR}`],
  // Authorization header values copied into messages.
  [/\b(Bearer|Bot|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g, `$1 ${CENSOR}`],
  // Slack tokens (xoxb-, xoxp-, xoxa-, xoxr-, xoxe-…) wherever they appear.
  [/\bxox[a-z]-[A-Za-z0-9-]+/g, `xox-${CENSOR}`],
];

/** The text with every secret-shaped part replaced by ***. */
export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** A URL fit for a log line: the password (if any) censored, the rest kept so the operator sees where it points. */
export function redactUrl(url: string): string {
  return redactText(url);
}
