/** A liked Post as the poller keeps it: the Post, its author (absent when X left it out) and when the hub first saw the like. */
export type SeenLike = { id: string; author?: string; seenAt: string };
/** A liked Post as a poll read it, and when (ISO). */
export type ReadLike = { id: string; author?: string; readAt: string };

export type LikesDiff = {
  /** Likes given since the last poll (or taken back and given again), stamped when first seen. */
  liked: SeenLike[];
  /** Likes of the last poll's window that X no longer lists. */
  unliked: SeenLike[];
  /** The window the next poll compares with: what this poll read, in X's order. */
  recent: SeenLike[];
};

/**
 * Compares what a poll read (`read`, newest first) with the window the last poll kept (`previous`).
 *
 * liked_tweets lists likes in the order they were given and carries no like
 * time, so the order is all there is to go on. A like taken back and given
 * again moves to the top; nothing ever moves down. Reading from the bottom,
 * a previously seen like whose old rank is lower than every one below it is
 * where it was ("stable"); one ranked above a stable one that sits lower was
 * liked again. So:
 * - a Post above the topmost stable like is a new like (or a like given
 *   again); below it, one the window lacks is an older like the last poll did
 *   not reach, not a new one;
 * - a previously seen like ranked above the lowest stable one and no longer
 *   listed was taken back; one ranked below it may simply be past the pages
 *   read, unless X said the list ended (`reachedEnd`), when every missing one
 *   is gone.
 * One case reads wrong: when the only seen like on the pages read is one given
 * again (more new likes than a page holds, and a like given again, between
 * two polls), it passes for stable and the seen likes above it for taken back.
 * `baseline`: the first poll of a supporter (or the first after X was off)
 * records what is there without calling any of it new: those likes were given
 * before the hub could hear them, as the webhook would not have heard them.
 */
export function diffLikes(previous: readonly SeenLike[], read: readonly ReadLike[], options: { baseline: boolean; reachedEnd: boolean }): LikesDiff {
  const rank = new Map(previous.map((like, i) => [like.id, i]));
  const stable = new Set<string>();
  let lowestRank = Number.POSITIVE_INFINITY;
  let lowestStableRank = -1;
  let topStableIndex = read.length;
  for (let i = read.length - 1; i >= 0; i--) {
    const r = rank.get(read[i]!.id);
    if (r === undefined || r >= lowestRank) continue;
    if (lowestStableRank < 0) lowestStableRank = r;
    lowestRank = r;
    stable.add(read[i]!.id);
    topStableIndex = i;
  }
  const fresh = new Set(read.slice(0, topStableIndex).filter((like) => !stable.has(like.id)).map((like) => like.id));
  // A like keeps the time it was first seen, unless it is new (again): then it was first seen now.
  const recent = read.map(({ id, author, readAt }): SeenLike => {
    const before = rank.get(id);
    const seenAt = fresh.has(id) || before === undefined ? readAt : previous[before]!.seenAt;
    return author === undefined ? { id, seenAt } : { id, author, seenAt };
  });
  const listed = new Set(read.map((like) => like.id));
  return {
    liked: options.baseline ? [] : recent.filter((like) => fresh.has(like.id)),
    unliked: previous.filter((like, r) => !listed.has(like.id) && (options.reachedEnd || r < lowestStableRank)),
    recent,
  };
}
