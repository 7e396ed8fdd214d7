import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeSlackEvent, slackTsToIso, type ReactorFacts } from '../../../adapters/slack/normalize.js';
import { eventCallbackSchema, isRoutableBody } from '../../../adapters/slack/schema.js';
import { parseBody } from '../../../adapters/slack/slack-http.js';
import { signBody, verifySlackRequest } from '../../../adapters/slack/verify-request.js';
import { likeEventSchema } from '../../../src/domain/like-event.js';
import { loadSlackFixture, type SlackFixture } from '../../fixtures/slack/load.js';

const normalize = (name: SlackFixture, facts?: ReactorFacts) => normalizeSlackEvent(eventCallbackSchema.parse(loadSlackFixture(name)), facts);

describe('normalizeSlackEvent on Slack\'s documented payloads', () => {
  it('maps reaction_added on a message to a like (docs/contracts.md)', () => {
    const result = normalize('reaction-added-message');
    expect(result).toEqual({
      kind: 'like',
      event: {
        platform: 'slack', eventId: 'Ev123ABC456', action: 'like', liker: 'T123ABC456:U123ABC456', author: 'T123ABC456:U222222222',
        item: 'T123ABC456:C123ABC456:1360782400.498405', community: 'T123ABC456', reaction: 'thumbsup', occurredAt: '2013-02-13T19:13:24.083Z',
      },
    });
    expect(likeEventSchema.safeParse(result.kind === 'like' && result.event).success).toBe(true);
  });

  it('maps reaction_removed to an unlike of the same item', () => {
    expect(normalize('reaction-removed-message')).toMatchObject({
      kind: 'like', event: { action: 'unlike', eventId: 'Ev123ABC457', item: 'T123ABC456:C123ABC456:1360782400.498405', occurredAt: '2013-02-13T19:15:00.000Z' },
    });
  });

  it('keeps the skin-tone suffix for the ingest to canonicalize', () => {
    expect(normalize('reaction-added-skin-tone')).toMatchObject({ kind: 'like', event: { reaction: '+1::skin-tone-3' } });
  });

  it.each([
    ['reaction-added-file', 'file_item'],
    ['reaction-added-file-comment', 'file_item'],
    ['reaction-added-no-item-user', 'no_author'],
    ['reaction-added-missing-item', 'malformed_event'],
    ['app-mention', 'unhandled_event'],
    ['app-uninstalled', 'unhandled_event'],
    ['tokens-revoked', 'unhandled_event'],
  ] as const)('ignores %s with reason %s', (name, reason) => {
    expect(normalize(name)).toMatchObject({ kind: 'ignored', reason });
  });

  it('ignores reactions by bots and on bots\' messages', () => {
    expect(normalize('reaction-added-message', { isBot: true })).toMatchObject({ kind: 'ignored', reason: 'bot_user' });
    expect(normalize('reaction-added-message', { isBot: false })).toMatchObject({ kind: 'like' });
    expect(normalize('reaction-added-message', { isBot: false, authorIsBot: true })).toMatchObject({ kind: 'ignored', reason: 'bot_author' });
  });

  it('ignores a reaction to one\'s own message as self_like, the reason Discord gives', () => {
    const own = eventCallbackSchema.parse(loadSlackFixture('reaction-added-message'));
    own.event = { ...own.event, item_user: own.event.user };
    expect(normalizeSlackEvent(own)).toMatchObject({ kind: 'ignored', reason: 'self_like' });
    expect(normalizeSlackEvent({ ...own, event: { ...own.event, type: 'reaction_removed' } })).toMatchObject({ kind: 'ignored', reason: 'self_like' });
  });

  it('reads Slack timestamps by string slicing', () => {
    expect(slackTsToIso('1700000000.000100')).toBe('2023-11-14T22:13:20.000Z');
    expect(slackTsToIso('1700000000.9')).toBe('2023-11-14T22:13:20.900Z');
  });
});

describe('Slack fixtures', () => {
  it('every fixture file has an expectation in this file or is a non-event body checked by the routing test', () => {
    const files = readdirSync(new URL('../../fixtures/slack/', import.meta.url)).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
    const source = readFileSync(new URL(import.meta.url), 'utf8');
    expect(files.filter((name) => !source.includes(`'${name}'`))).toEqual([]);
  });
});

describe('verifySlackRequest', () => {
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const now = new Date('2026-11-10T12:00:00Z');
  const ts = String(now.getTime() / 1000);
  const body = Buffer.from('{"type":"event_callback"}');
  const sign = (t: string, b: Buffer | string = body) => `v0=${signBody(secret, t, b)}`;
  const verify = (timestamp: string | undefined, signature: string | undefined, rawBody = body) =>
    verifySlackRequest({ signingSecret: secret, rawBody, timestamp, signature, now });

  it('accepts a fresh, correctly signed request', () => {
    expect(verify(ts, sign(ts))).toEqual({ ok: true });
    expect(verify(String(Number(ts) - 299), sign(String(Number(ts) - 299)))).toEqual({ ok: true });
  });

  it('refuses old and future timestamps beyond five minutes, even correctly signed', () => {
    const old = String(Number(ts) - 301);
    const future = String(Number(ts) + 301);
    expect(verify(old, sign(old))).toEqual({ ok: false, reason: 'stale_timestamp' });
    expect(verify(future, sign(future))).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('refuses missing headers, a wrong secret and a tampered body', () => {
    expect(verify(undefined, sign(ts))).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verify(ts, undefined)).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verify(ts, `v0=${signBody('other-secret', ts, body)}`)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify(ts, sign(ts), Buffer.from('{"type":"event_callback","x":1}'))).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verify(ts, 'v0=short')).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

describe('Slack request bodies', () => {
  it('parses JSON, form fields and interactive form payloads; refuses malformed ones', () => {
    expect(parseBody(Buffer.from('{"type":"url_verification"}'), 'application/json')).toEqual({ type: 'url_verification' });
    expect(parseBody(Buffer.from('command=%2Fflattr&text=budget+35'), 'application/x-www-form-urlencoded')).toEqual({ command: '/flattr', text: 'budget 35' });
    expect(parseBody(Buffer.from(`payload=${encodeURIComponent('{"type":"block_actions"}')}`), 'application/x-www-form-urlencoded')).toEqual({ type: 'block_actions' });
    expect(parseBody(Buffer.from('{"type":'), 'application/json')).toBeUndefined();
    expect(parseBody(Buffer.from('[1,2]'), 'application/json')).toBeUndefined();
    expect(parseBody(Buffer.from('payload=%7Bnot-json'), 'application/x-www-form-urlencoded')).toBeUndefined();
    expect(parseBody(Buffer.from('{}'), 'text/plain')).toBeUndefined();
  });

  it('routes what Bolt handles and nothing else', () => {
    expect(isRoutableBody(loadSlackFixture('reaction-added-message'))).toBe(true);
    expect(isRoutableBody(loadSlackFixture('slash-command-flattr'))).toBe(true);
    expect(isRoutableBody(loadSlackFixture('block-actions'))).toBe(true);
    expect(isRoutableBody(loadSlackFixture('url-verification'))).toBe(true);
    expect(isRoutableBody({ type: 'app_rate_limited', team_id: 'T1', minute_rate_limited: 1518467820 })).toBe(false);
    expect(isRoutableBody({ hello: 'world' })).toBe(false);
  });
});
