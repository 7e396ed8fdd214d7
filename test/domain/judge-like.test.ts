import { describe, expect, it } from 'vitest';
import { judgeLike, type SupporterContext } from '../../src/domain/judge-like.js';

const supporter: SupporterContext = {
  userId: 1, active: true, budgetMinor: 3500n, platforms: ['slack', 'discord'], triggerReactions: [],
  allowCommunities: [], blockCommunities: ['T-BLOCKED'],
};
const like = { action: 'like' as const, platform: 'slack' as const, liker: 'T1:U1', author: 'T1:U2', community: 'T1', reaction: 'star' };

describe('money rule 4: what is not a flattr', () => {
  it.each([
    ['a like by someone who is no supporter', like, undefined, null, 'not_supporter'],
    ['a self-like (same identity)', { ...like, author: 'T1:U1' }, supporter, null, 'self_like'],
    ['a self-like (same user, other identity)', like, supporter, 1, 'self_like'],
    ['a platform not opted in', { ...like, platform: 'twitter' as const, reaction: undefined, community: undefined }, supporter, null, 'platform_off'],
    ['a reaction outside the trigger set', { ...like, reaction: 'joy' }, supporter, null, 'not_trigger'],
    ['a blocked community', { ...like, community: 'T-BLOCKED' }, supporter, null, 'community_blocked'],
    ['a community outside the allow-list', like, { ...supporter, allowCommunities: ['T9'] }, null, 'community_not_allowed'],
    ['a paused supporter', like, { ...supporter, active: false }, null, 'supporter_inactive'],
  ])('ignores %s', (_name, event, who, authorUser, reason) => {
    expect(judgeLike(event, who, authorUser)).toEqual({ accept: false, reason });
  });

  it.each([
    ['a default trigger', like, supporter],
    ['unicode for a default trigger', { ...like, reaction: '⭐' }, supporter],
    ['a Slack skin-tone variant', { ...like, reaction: '+1::skin-tone-3' }, supporter],
    ['any reaction with "any"', { ...like, reaction: 'joy' }, { ...supporter, triggerReactions: ['any'] }],
    ['a custom trigger set', { ...like, reaction: 'tada' }, { ...supporter, triggerReactions: ['tada'] }],
    ['an unlike even after opting out', { ...like, action: 'unlike' as const }, { ...supporter, platforms: [] }],
  ])('accepts %s', (_name, event, who) => {
    expect(judgeLike(event, who, null)).toEqual({ accept: true });
  });
});
