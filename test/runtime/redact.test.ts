import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/support/logger.js';
import { redactText, redactUrl } from '../../src/support/redact.js';

const SECRET = 'hunter2-Sup3rSecret';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString()); done(); } });
  const logger = createLogger('debug', 'test', { destination });
  return { logger, text: () => lines.join('') };
}

describe('redaction', () => {
  it('censors the password of a URL and keeps where it points', () => {
    expect(redactUrl(`redis://:${SECRET}@10.0.0.5:6380/2`)).toBe('redis://:***@10.0.0.5:6380/2');
    expect(redactUrl(`postgresql://flattr:${SECRET}@db.internal:5432/flattr?sslmode=require`)).toBe('postgresql://flattr:***@db.internal:5432/flattr?sslmode=require');
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  it('scrubs OAuth codes, sign-in tokens, authorization values and Slack tokens out of free text', () => {
    const text = redactText(`GET /slack/oauth_redirect?code=${SECRET}&state=abc123 then /login/${SECRET} with Bearer ${SECRET}, Bot ${SECRET}.x and xoxb-1234-5678-${SECRET}`);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain('abc123');
    expect(text).toContain('/slack/oauth_redirect?code=***&state=***');
    expect(text).toContain('/login/***');
  });

  it('never writes a secret to a log line, whether as a field, in a message, in an error or in a request', () => {
    const { logger, text } = capture();
    logger.info({ redis: `redis://user:${SECRET}@host:6379` }, 'starting');
    logger.info({ token: SECRET, nested: { botToken: SECRET, clientSecret: SECRET }, headers: { authorization: `Bearer ${SECRET}`, cookie: `sid=${SECRET}` } }, 'fields');
    logger.warn(`could not reach postgres://app:${SECRET}@db:5432/x`);
    logger.error({ err: new Error(`connect failed for redis://:${SECRET}@cache:6379`) }, 'error');
    logger.info({ req: { method: 'GET', url: `/auth/discord/callback?code=${SECRET}&state=s`, ip: '127.0.0.1' } }, 'request');
    const out = text();
    expect(out).not.toContain(SECRET);
    expect(out).toContain('redis://user:***@host:6379');
    expect(out).toContain('"token":"***"');
    expect(out).toContain('/auth/discord/callback?code=***');
    expect(out.trim().split('\n')).toHaveLength(5);
  });
});
