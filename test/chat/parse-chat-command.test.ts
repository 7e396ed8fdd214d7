import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseAmount } from '../../src/domain/money.js';
import { chatLocale } from '../../src/chat/chat-types.js';
import { parseChatCommand } from '../../src/chat/parse-chat-command.js';
import { parseItemRef } from '../../src/chat/parse-item-ref.js';

describe('parseChatCommand', () => {
  it.each([
    ['', { kind: 'help' }],
    ['   ', { kind: 'help' }],
    ['HELP', { kind: 'help' }],
    ['join', { kind: 'join' }],
    ['budget 35', { kind: 'budget', amount: '35', currency: undefined }],
    ['budget 35 EUR', { kind: 'budget', amount: '35', currency: 'EUR' }],
    ['budget  12.50   usd', { kind: 'budget', amount: '12.50', currency: 'usd' }],
    ['budget EUR 35', { kind: 'budget', amount: '35', currency: 'EUR' }],
    ['budget 35EUR', { kind: 'budget', amount: '35', currency: 'EUR' }],
    ['budget', { kind: 'budget', amount: undefined, currency: undefined }],
    ['budget 35 €', { kind: 'budget', amount: '35', currency: 'EUR' }],
    ['budget €12.50', { kind: 'budget', amount: '12.50', currency: 'EUR' }],
    ['budget 20£', { kind: 'budget', amount: '20', currency: 'GBP' }],
    ['budget $20', { kind: 'budget', amount: '$20', currency: undefined }],
    ['on', { kind: 'on', platform: undefined }],
    ['off Discord', { kind: 'off', platform: 'Discord' }],
    ['emoji star :heart: 👍', { kind: 'emoji', emoji: ['star', ':heart:', '👍'] }],
    ['undo <https://acme.slack.com/archives/C1/p1700000000000100>', { kind: 'undo', target: 'https://acme.slack.com/archives/C1/p1700000000000100' }],
    ['undo &lt;https://x.com/a/status/1&gt;', { kind: 'undo', target: 'https://x.com/a/status/1' }],
    ['link', { kind: 'link', code: undefined, confirm: false }],
    ['link abcd2345', { kind: 'link', code: 'abcd2345', confirm: false }],
    ['link abcd2345 CONFIRM', { kind: 'link', code: 'abcd2345', confirm: true }],
    ['link abcd2345 yes', { kind: 'link', code: 'abcd2345', confirm: false }],
    ['channel', { kind: 'channel', off: false }],
    ['channel OFF', { kind: 'channel', off: true }],
    ['statement off', { kind: 'statement', on: false }],
    ['Statement On', { kind: 'statement', on: true }],
    ['statement maybe', { kind: 'statement', on: undefined }],
    ['mentions off', { kind: 'mentions', on: false }],
    ['mentions', { kind: 'mentions', on: undefined }],
    ['login', { kind: 'login' }],
    ['bugdet 35', { kind: 'unknown', word: 'bugdet' }],
  ])('%j', (text, expected) => {
    expect(parseChatCommand(text)).toEqual(expected);
  });
});

describe('parseItemRef', () => {
  const slackHere = { platform: 'slack' as const, community: 'T1' };
  it('reads a Slack permalink with the team of the workspace the command came from', () => {
    expect(parseItemRef('https://acme.slack.com/archives/C024BE91L/p1700000000000100', slackHere))
      .toEqual({ platform: 'slack', item: 'T1:C024BE91L:1700000000.000100' });
    expect(parseItemRef('https://acme.slack.com/archives/C024BE91L/p1700000000000100?thread_ts=1700000000.000100&cid=C024BE91L', slackHere))
      .toEqual({ platform: 'slack', item: 'T1:C024BE91L:1700000000.000100' });
    expect(parseItemRef('https://acme.slack.com/archives/C024BE91L/p1700000000000100', { platform: 'slack' })).toBeUndefined();
  });
  it('reads Discord message links, tweet links and raw item ids', () => {
    expect(parseItemRef('https://discord.com/channels/1/2/3', slackHere)).toEqual({ platform: 'discord', item: '1:2:3' });
    expect(parseItemRef('https://ptb.discordapp.com/channels/10/20/30', slackHere)).toEqual({ platform: 'discord', item: '10:20:30' });
    expect(parseItemRef('https://x.com/someone/status/123456?s=20', slackHere)).toEqual({ platform: 'twitter', item: '123456' });
    expect(parseItemRef('T1:C1:1700000000.000100', slackHere)).toEqual({ platform: 'slack', item: 'T1:C1:1700000000.000100' });
    expect(parseItemRef('https://example.com/elsewhere', slackHere)).toBeUndefined();
  });
});

describe('chatLocale', () => {
  it('reduces platform locales to en or fr', () => {
    expect([chatLocale('fr-FR'), chatLocale('fr'), chatLocale('en-GB'), chatLocale('en_US'), chatLocale('de-DE'), chatLocale(undefined)])
      .toEqual(['fr', 'fr', 'en', 'en', undefined, undefined]);
  });
});

describe('parseChatCommand properties', () => {
  it('never throws, whatever is typed', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (text) => {
      expect(parseChatCommand(text).kind).toBeTypeOf('string');
    }));
  });

  it('hands any typed budget to the money parser unchanged, which reads it to the exact cent', () => {
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 14n - 1n }), fc.constantFrom('', ' EUR', ' eur', ' €', 'EUR'), (minor, suffix) => {
      const typed = `${minor / 100n}.${String(minor % 100n).padStart(2, '0')}`;
      const command = parseChatCommand(`budget ${typed}${suffix}`);
      expect(command).toMatchObject({ kind: 'budget', amount: typed });
      expect(parseAmount(typed, 'EUR').minor).toBe(minor);
    }));
  });
});
