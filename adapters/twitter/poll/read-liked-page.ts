import { ApiResponseError } from 'twitter-api-v2';
import { z } from 'zod';
import { xClient, type XClientSettings } from '../x-client.js';

/** The fields of a liked_tweets answer the poller uses; X adds others. */
const numericId = z.string().regex(/^\d{1,20}$/);
const pageSchema = z.looseObject({
  data: z.array(z.looseObject({ id: numericId, author_id: z.unknown().optional() })).optional(),
  meta: z.looseObject({ result_count: z.number().int().min(0), next_token: z.string().min(1).optional() }),
});

export type LikedPage =
  | { kind: 'page'; likes: { id: string; author?: string }[]; nextToken?: string; userLimit?: { remaining: number; resetAt: number } }
  | { kind: 'rate_limited'; resetAt?: number; userLimitSpent: boolean }
  | { kind: 'unauthorized' }
  | { kind: 'malformed'; problem: string }
  | { kind: 'failed'; problem: string };

/**
 * One page of GET /2/users/:id/liked_tweets through twitter-api-v2, newest
 * first, with the user's token. Only `tweet.fields=author_id` is asked: the
 * author is all a flattr needs, and every Post or user read is billed. Never
 * throws: a 429, a 401, an answer that does not parse, a network failure are
 * outcomes (their messages carry no token).
 */
export async function readLikedPage(
  settings: XClientSettings, accessToken: string, userId: string, page: { maxResults: number; paginationToken?: string },
): Promise<LikedPage> {
  try {
    const paginator = await xClient(settings, accessToken).v2.userLikedTweets(userId, {
      max_results: page.maxResults, 'tweet.fields': ['author_id'],
      ...(page.paginationToken ? { pagination_token: page.paginationToken } : {}),
    });
    const parsed = pageSchema.safeParse(paginator.data);
    if (!parsed.success) return { kind: 'malformed', problem: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') };
    const limit = paginator.rateLimit;
    return {
      kind: 'page',
      // An author id X left out or mangled leaves the like unattributable, not the page unreadable.
      likes: (parsed.data.data ?? []).map((t) => (numericId.safeParse(t.author_id).success ? { id: t.id, author: t.author_id as string } : { id: t.id })),
      nextToken: parsed.data.meta.next_token,
      userLimit: typeof limit.remaining === 'number' && typeof limit.reset === 'number' ? { remaining: limit.remaining, resetAt: limit.reset * 1000 } : undefined,
    };
  } catch (error) {
    if (error instanceof ApiResponseError) {
      if (error.code === 429) {
        const limit = error.rateLimit;
        return { kind: 'rate_limited', resetAt: limit?.reset ? limit.reset * 1000 : undefined, userLimitSpent: !limit || limit.remaining === 0 };
      }
      if (error.code === 401) return { kind: 'unauthorized' };
      return { kind: 'failed', problem: `X answered ${error.code}` };
    }
    return { kind: 'failed', problem: error instanceof Error ? error.message.slice(0, 200) : 'unknown error' };
  }
}
