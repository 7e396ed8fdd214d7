import type { FakeX, FakeXReply, FakeXRequest } from './server.js';
import { problem } from './server.js';

/** A Post in the fake: its id and author. */
export type FakePost = { id: string; authorId: string; text?: string };

export type FakeLikedTweets = ReturnType<typeof addLikedTweets>;

/**
 * GET /2/users/:id/liked_tweets on the fake X (plugged in with addRoute):
 * the user's likes newest first, `max_results` 5–100, `pagination_token`
 * from `meta.next_token`, `tweet.fields=author_id` and `expansions=author_id`
 * (includes.users), the user's Bearer token with like.read. Rate limits as X
 * documents them for this endpoint: 75 requests per 15 minutes per user (the
 * server's per-token bucket `liked_tweets`, with x-rate-limit-* headers) and
 * per app (counted here across every token: a 429 whose headers still show
 * the user's own requests left). Tests script 429s and broken answers with
 * `failNext` (one user's next answers).
 *
 * A pagination token names the last Post of its page, as X's opaque cursors
 * do, so a page read later continues after the same Post even when likes were
 * added at the top meanwhile.
 */
export function addLikedTweets(x: FakeX, options: { now?: () => number; appLimit?: number; userLimit?: number; windowMs?: number } = {}) {
  const now = options.now ?? (() => Date.now());
  const windowMs = options.windowMs ?? 15 * 60_000;
  /** Per user: liked Posts, newest first. */
  const likes = new Map<string, FakePost[]>();
  const reads: { userId: string; paginationToken?: string; maxResults: number; status: number; count: number }[] = [];
  const app = { limit: options.appLimit ?? 75, count: 0, resetAt: 0 };
  const continuationFaults = new Map<string, FakeXReply[]>();
  x.setLimit('liked_tweets', options.userLimit ?? 75, windowMs);

  const fake = {
    likes, reads,
    like(userId: string, post: FakePost) {
      fake.unlike(userId, post.id);
      likes.set(userId, [post, ...(likes.get(userId) ?? [])]);
    },
    unlike(userId: string, postId: string) {
      likes.set(userId, (likes.get(userId) ?? []).filter((p) => p.id !== postId));
    },
    /** The next `times` answers to `userId`'s liked_tweets are `reply` (a 429, a 500, a body that does not parse…). */
    failNext(userId: string, reply: FakeXReply, times = 1) {
      x.fail(`GET /2/users/${userId}/liked_tweets`, reply, times);
    },
    /** The next request of `userId` for a page after the first (with a pagination_token) is answered `reply`: a 429 mid-pagination. */
    failNextContinuation(userId: string, reply: FakeXReply) {
      continuationFaults.set(userId, [...(continuationFaults.get(userId) ?? []), reply]);
    },
    /** A 429 as X sends it when the user's own window is spent, resetting `resetInMs` from now. */
    userLimited(resetInMs: number): FakeXReply {
      return {
        status: 429, body: problem('Too Many Requests', 'Too Many Requests', 'about:blank'),
        headers: { 'x-rate-limit-limit': '75', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(Math.ceil((now() + resetInMs) / 1000)) },
      };
    },
    setAppLimit(limit: number) {
      app.limit = limit;
    },
  };

  x.addRoute({
    method: 'GET', pattern: /^\/2\/users\/(\d+)\/liked_tweets$/, bucket: 'liked_tweets',
    handle: (match, request) => {
      const reply = answer(match[1]!, request);
      const q = request.query;
      reads.push({
        userId: match[1]!, paginationToken: q.get('pagination_token') ?? undefined, maxResults: Number(q.get('max_results') ?? 10), status: reply.status,
        count: ((reply.body as { data?: unknown[] } | undefined)?.data ?? []).length,
      });
      return reply;
    },
  });

  function answer(userId: string, request: FakeXRequest): FakeXReply {
    const grant = request.bearer ? x.accessTokens.get(request.bearer) : undefined;
    if (!grant || grant.revoked || grant.expiresAt <= now()) return { status: 401, body: { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' } };
    if (!grant.scopes.includes('like.read')) return { status: 403, body: problem('Forbidden', 'missing scope like.read', 'https://api.twitter.com/2/problems/client-forbidden') };
    if (app.resetAt <= now()) Object.assign(app, { count: 0, resetAt: now() + windowMs });
    if (++app.count > app.limit) return { status: 429, body: problem('Too Many Requests', 'Too Many Requests', 'about:blank') };
    const q = request.query;
    const fault = q.get('pagination_token') ? continuationFaults.get(userId)?.shift() : undefined;
    if (fault) return fault;
    const maxResults = Number(q.get('max_results') ?? 10);
    if (!Number.isInteger(maxResults) || maxResults < 5 || maxResults > 100) {
      return { status: 400, body: problem('Invalid Request', 'The `max_results` query parameter value is not between 5 and 100', 'https://api.twitter.com/2/problems/invalid-request') };
    }
    const all = likes.get(userId) ?? [];
    let start = 0;
    const token = q.get('pagination_token');
    if (token) {
      const cursor = decodeCursor(token);
      if (!cursor) return { status: 400, body: problem('Invalid Request', 'The `pagination_token` query parameter value is invalid', 'https://api.twitter.com/2/problems/invalid-request') };
      const at = all.findIndex((p) => p.id === cursor.after);
      start = at >= 0 ? at + 1 : Math.min(cursor.index, all.length);
    }
    const page = all.slice(start, start + maxResults);
    const fields = (q.get('tweet.fields') ?? '').split(',');
    const expansions = (q.get('expansions') ?? '').split(',');
    const data = page.map((p) => ({
      id: p.id, text: p.text ?? `Post ${p.id}`, edit_history_tweet_ids: [p.id],
      ...(fields.includes('author_id') || expansions.includes('author_id') ? { author_id: p.authorId } : {}),
    }));
    const last = page.at(-1);
    const more = last !== undefined && start + page.length < all.length;
    const meta = { result_count: data.length, ...(more ? { next_token: encodeCursor(last.id, start + page.length) } : {}) };
    if (data.length === 0) return { status: 200, body: { meta } };
    const includes = expansions.includes('author_id')
      ? { users: [...new Set(page.map((p) => p.authorId))].map((id) => ({ id, name: `user ${id}`, username: `user${id}` })) }
      : undefined;
    return { status: 200, body: { data, ...(includes ? { includes } : {}), meta } };
  }

  return fake;
}

function encodeCursor(after: string, index: number): string {
  return Buffer.from(JSON.stringify({ after, index })).toString('base64url');
}

function decodeCursor(token: string): { after: string; index: number } | undefined {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { after?: unknown; index?: unknown };
    return typeof value.after === 'string' && typeof value.index === 'number' ? { after: value.after, index: value.index } : undefined;
  } catch {
    return undefined;
  }
}
