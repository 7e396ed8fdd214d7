import { describe, expect, it } from 'vitest';
import { diffLikes, type SeenLike } from '../../../adapters/twitter/poll/diff-likes.js';

const T0 = '2026-11-10T09:00:00.000Z';
const T1 = '2026-11-10T09:15:00.000Z';
const seen = (...ids: string[]): SeenLike[] => ids.map((id) => ({ id, author: `a${id}`, seenAt: T0 }));
const read = (...ids: string[]) => ids.map((id) => ({ id, author: `a${id}`, readAt: T1 }));
const ids = (likes: { id: string }[]) => likes.map((l) => l.id);

describe('diffLikes: what changed between two reads of liked_tweets', () => {
  it('new likes are those above the likes seen before; unchanged ones keep the time they were first seen', () => {
    const diff = diffLikes(seen('c', 'b', 'a'), read('e', 'd', 'c', 'b', 'a'), { baseline: false, reachedEnd: false });
    expect(ids(diff.liked)).toEqual(['e', 'd']);
    expect(diff.liked.every((l) => l.seenAt === T1)).toBe(true);
    expect(diff.unliked).toEqual([]);
    expect(diff.recent.map((l) => l.seenAt)).toEqual([T1, T1, T0, T0, T0]);
  });

  it('a like gone from above the lowest one still listed was taken back; below it, it may be past the pages read', () => {
    const diff = diffLikes(seen('d', 'c', 'b', 'a'), read('x', 'd', 'b'), { baseline: false, reachedEnd: false });
    expect(ids(diff.liked)).toEqual(['x']);
    expect(ids(diff.unliked)).toEqual(['c']);
  });

  it('when X says the list ended, every like it no longer lists was taken back', () => {
    expect(ids(diffLikes(seen('c', 'b', 'a'), read('c'), { baseline: false, reachedEnd: true }).unliked)).toEqual(['b', 'a']);
    expect(ids(diffLikes(seen('b', 'a'), [], { baseline: false, reachedEnd: true }).unliked)).toEqual(['b', 'a']);
  });

  it('a like taken back and given again moved up: a like again (dated now), not an unlike', () => {
    const diff = diffLikes(seen('c', 'b', 'a'), read('a', 'x', 'c', 'b'), { baseline: false, reachedEnd: true });
    expect(ids(diff.liked)).toEqual(['a', 'x']);
    expect(diff.unliked).toEqual([]);
    expect(diff.recent.find((l) => l.id === 'a')!.seenAt).toBe(T1);
    // Given again below a newer like that stayed: still out of order, still a like again.
    expect(ids(diffLikes(seen('c', 'b', 'a'), read('b', 'c', 'a'), { baseline: false, reachedEnd: false }).liked)).toEqual(['b']);
  });

  it('a Post the window lacks below a known like is an older like the last poll did not reach, not a new one', () => {
    const diff = diffLikes(seen('c', 'b'), read('n', 'c', 'b', 'old1', 'old2'), { baseline: false, reachedEnd: false });
    expect(ids(diff.liked)).toEqual(['n']);
    expect(ids(diff.recent)).toEqual(['n', 'c', 'b', 'old1', 'old2']);
  });

  it('with nothing known on the pages read (page cap), everything read is new and nothing is called taken back', () => {
    const diff = diffLikes(seen('b', 'a'), read('z', 'y', 'x'), { baseline: false, reachedEnd: false });
    expect(ids(diff.liked)).toEqual(['z', 'y', 'x']);
    expect(diff.unliked).toEqual([]);
  });

  it('a baseline records what is there without any like, but still notices likes taken back', () => {
    expect(diffLikes([], read('b', 'a'), { baseline: true, reachedEnd: true })).toEqual({ liked: [], unliked: [], recent: [{ id: 'b', author: 'ab', seenAt: T1 }, { id: 'a', author: 'aa', seenAt: T1 }] });
    const back = diffLikes(seen('c', 'b', 'a'), read('n', 'c', 'a'), { baseline: true, reachedEnd: false });
    expect(back.liked).toEqual([]);
    expect(ids(back.unliked)).toEqual(['b']);
  });
});
