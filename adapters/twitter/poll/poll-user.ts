import type { Redis } from 'ioredis';
import type { Db } from '../../../src/db/database.js';
import type { LikeEvent } from '../../../src/domain/like-event.js';
import type { Logger } from '../../../src/support/logger.js';
import type { XClientSettings } from '../x-client.js';
import { countBillable, pauseApp, takeAppRequest } from './app-budget.js';
import { diffLikes } from './diff-likes.js';
import { pollEvents } from './poll-events.js';
import type { PollMetrics } from './poll-metrics.js';
import type { PollSettings } from './poll-settings.js';
import { clearPending, loadPollState, savePollResult, savePollStop, type PollState, type Scan } from './poll-state.js';
import { readLikedPage, type LikedPage } from './read-liked-page.js';
import { alreadyLiked } from './heard-likes.js';

/**
 * The poller's port to the X token store (createXAccessTokens in
 * adapters/twitter/access-token.ts): a valid access token for an identity
 * (refreshed when needed), undefined when its grant is gone, an error when X
 * could not be asked. `revoked` is told when X refuses a token it gave
 * (markXDisconnected in production).
 */
export type XTokens = {
  accessTokenFor(identityId: number): Promise<string | undefined>;
  revoked?(identityId: number): Promise<void>;
};

export type PollDeps = {
  db: Db;
  redis: Redis;
  prefix: string;
  settings: PollSettings;
  x: XClientSettings;
  tokens: XTokens;
  /** The likes queue: the same ingest path as every adapter. */
  emitLike(event: LikeEvent): Promise<void>;
  logger: Logger;
  metrics: PollMetrics;
  now(): Date;
};

export type PollOutcome = 'polled' | 'baseline' | 'partial' | 'disconnected' | 'rate_limited' | 'failed' | 'missing';

/**
 * One poll of one supporter's likes: newest first, page by page, until a page
 * holds a like the last poll saw (the rest is known), X says the list ended,
 * or the page cap. A poll stopped by a rate limit or an error keeps what it
 * read and resumes from X's pagination token next time, so nothing read is
 * lost or read as new twice; the events it decides are stored before they are
 * queued (poll-state.ts), so a crash re-sends the same events.
 */
export async function pollUser(deps: PollDeps, identityId: number): Promise<PollOutcome> {
  const state = await loadPollState(deps.db, identityId);
  if (!state) return 'missing';
  await sendPending(deps, state.identityId, state.pending);
  let token: string | undefined;
  try {
    token = await deps.tokens.accessTokenFor(identityId);
  } catch (error) {
    // X could not refresh the token now (network, 5xx, 429): the grant stands, try again later.
    return stopOn(deps, state, state.scan ?? { items: [], pages: 0 }, { kind: 'failed', problem: `no access token: ${error instanceof Error ? error.message : 'unknown error'}` });
  }
  if (!token) {
    await savePollStop(deps.db, identityId, { scan: state.scan, nextPollAt: later(deps, deps.settings.intervalSeconds), error: 'disconnected' });
    return 'disconnected';
  }
  const scan: Scan = state.scan ?? { items: [], pages: 0 };
  const seen = new Set(state.recent.map((like) => like.id));
  for (;;) {
    const budget = await takeAppRequest(deps.redis, deps.prefix, deps.settings, deps.now().getTime());
    if (!budget.ok) {
      deps.metrics.requests.inc({ outcome: 'app_limited' });
      await savePollStop(deps.db, identityId, { scan, nextPollAt: new Date(budget.retryAt), error: 'app rate limit' });
      return 'rate_limited';
    }
    const page = await readLikedPage(deps.x, token, state.xUserId, { maxResults: deps.settings.pageSize, paginationToken: scan.nextToken });
    if (page.kind !== 'page') return stopOn(deps, state, scan, page);
    deps.metrics.requests.inc({ outcome: 'ok' });
    deps.metrics.postsRead.inc(page.likes.length);
    deps.metrics.postsBilled.inc(await countBillable(deps.redis, deps.prefix, page.likes.map((like) => like.id), deps.now().getTime()));
    const readAt = deps.now().toISOString();
    const known = new Set(scan.items.map((like) => like.id));
    scan.items.push(...page.likes.filter((like) => !known.has(like.id)).map((like) => ({ ...like, readAt })));
    scan.pages += 1;
    scan.nextToken = page.nextToken;
    const reachedEnd = page.nextToken === undefined;
    const done = !state.baselined || reachedEnd || page.likes.some((like) => seen.has(like.id)) || scan.pages >= deps.settings.maxPages;
    const userLimitSpent = page.userLimit?.remaining === 0 ? page.userLimit.resetAt : undefined;
    if (done) return finish(deps, state, scan, reachedEnd, userLimitSpent);
    if (userLimitSpent !== undefined) {
      await savePollStop(deps.db, identityId, { scan, nextPollAt: new Date(userLimitSpent), error: 'user rate limit' });
      return 'partial';
    }
  }
}

/** What a page that is not a page means: when to try again, and what to keep. */
async function stopOn(deps: PollDeps, state: PollState, scan: Scan, page: Exclude<LikedPage, { kind: 'page' }>): Promise<PollOutcome> {
  const log = deps.logger.child({ identityId: state.identityId });
  switch (page.kind) {
    case 'rate_limited': {
      deps.metrics.requests.inc({ outcome: 'rate_limited' });
      const retryAt = page.resetAt && page.resetAt > deps.now().getTime() ? page.resetAt : later(deps, deps.settings.appWindowSeconds).getTime();
      // A 429 while this user's own limit is not spent is the app's: every poll waits.
      if (!page.userLimitSpent) await pauseApp(deps.redis, deps.prefix, retryAt, deps.now().getTime());
      log.info({ retryAt: new Date(retryAt).toISOString(), app: !page.userLimitSpent }, 'X liked_tweets rate limited: resuming after its reset');
      await savePollStop(deps.db, state.identityId, { scan, nextPollAt: new Date(retryAt), error: '429 rate limited' });
      return 'rate_limited';
    }
    case 'unauthorized':
      deps.metrics.requests.inc({ outcome: 'unauthorized' });
      log.warn('X refused the access token for liked_tweets (401): grant revoked?');
      await deps.tokens.revoked?.(state.identityId);
      await savePollStop(deps.db, state.identityId, { scan, nextPollAt: later(deps, deps.settings.intervalSeconds), error: 'unauthorized', failure: true });
      return 'disconnected';
    case 'malformed':
    case 'failed': {
      deps.metrics.requests.inc({ outcome: page.kind });
      // Doubling from a minute, at most the interval: a broken answer is not asked for again at once.
      const backoff = Math.min(deps.settings.intervalSeconds, 60 * 2 ** Math.min(state.failures, 10));
      log.warn({ problem: page.problem, retryInSeconds: backoff }, page.kind === 'malformed' ? 'X liked_tweets answer does not parse: retrying later' : 'X liked_tweets failed: retrying later');
      await savePollStop(deps.db, state.identityId, { scan, nextPollAt: later(deps, backoff), error: `${page.kind}: ${page.problem}`.slice(0, 500), failure: true });
      return 'failed';
    }
  }
}

async function finish(deps: PollDeps, state: PollState, scan: Scan, reachedEnd: boolean, userLimitResetAt: number | undefined): Promise<PollOutcome> {
  const diff = diffLikes(state.recent, scan.items, { baseline: !state.baselined, reachedEnd });
  const polledAt = deps.now();
  // With TWITTER_MODE=both the webhook may have heard a like first: new to this window, it stays in it (its unlike is
  // still seen) but is not sent again. A like already in the window that moved up was taken back and given again: sent.
  const inWindow = new Set(state.recent.map((l) => l.id));
  const heard = await alreadyLiked(deps.db, state.identityId, diff.liked.filter((l) => !inWindow.has(l.id)).map((l) => l.id));
  const decided = { liked: diff.liked.filter((l) => !heard.has(l.id)), unliked: diff.unliked };
  const { events, unattributed } = pollEvents(state.xUserId, decided, polledAt.toISOString());
  if (unattributed) deps.logger.warn({ identityId: state.identityId, unattributed }, 'X liked_tweets listed Posts without an author: not flattred');
  const next = Math.max(polledAt.getTime() + deps.settings.intervalSeconds * 1000, userLimitResetAt ?? 0);
  await savePollResult(deps.db, state.identityId, { recent: diff.recent, pending: events, polledAt, nextPollAt: new Date(next) });
  await sendPending(deps, state.identityId, events);
  deps.logger.debug({ identityId: state.identityId, liked: diff.liked.length, unliked: diff.unliked.length, pages: scan.pages }, 'X likes polled');
  return state.baselined ? 'polled' : 'baseline';
}

async function sendPending(deps: PollDeps, identityId: number, events: readonly LikeEvent[]): Promise<void> {
  if (events.length === 0) return;
  for (const event of events) await deps.emitLike(event);
  await clearPending(deps.db, identityId);
}

function later(deps: PollDeps, seconds: number): Date {
  return new Date(deps.now().getTime() + seconds * 1000);
}
