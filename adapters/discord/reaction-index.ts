export type KnownAuthor = { id: string; bot?: boolean };
type Entry = { author?: KnownAuthor; reactions: Map<string, Set<string>> };

/**
 * Who holds which reaction on recently seen messages, and their authors.
 * MESSAGE_REACTION_REMOVE_ALL and _REMOVE_EMOJI name no users, so the unlikes
 * they imply come from here: reactions this process saw being added. A
 * reaction added before the hub started (or evicted from this bounded, least-
 * recently-used index) keeps its flattr; the supporter can `/flattr undo` it.
 */
export class ReactionIndex {
  private readonly items = new Map<string, Entry>();

  constructor(private readonly maxItems = 20_000) {}

  add(item: string, reaction: string, userId: string): void {
    const users = this.entry(item).reactions.get(reaction) ?? new Set<string>();
    users.add(userId);
    this.entry(item).reactions.set(reaction, users);
  }

  remove(item: string, reaction: string, userId: string): void {
    const reactions = this.items.get(item)?.reactions;
    reactions?.get(reaction)?.delete(userId);
    if (reactions?.get(reaction)?.size === 0) reactions.delete(reaction);
  }

  /** Forgets one emoji's reactions (or all of them) on an item, returning what was held. */
  clear(item: string, reaction?: string): { userId: string; reaction: string }[] {
    const reactions = this.items.get(item)?.reactions;
    if (!reactions) return [];
    const cleared = [...reactions].filter(([r]) => reaction === undefined || r === reaction);
    for (const [r] of cleared) reactions.delete(r);
    return cleared.flatMap(([r, users]) => [...users].map((userId) => ({ userId, reaction: r })));
  }

  author(item: string): KnownAuthor | undefined {
    return this.items.get(item)?.author;
  }

  setAuthor(item: string, author: KnownAuthor): void {
    this.entry(item).author = author;
  }

  get size(): number {
    return this.items.size;
  }

  private entry(item: string): Entry {
    let entry = this.items.get(item);
    if (entry) this.items.delete(item);
    else entry = { reactions: new Map() };
    this.items.set(item, entry);
    if (this.items.size > this.maxItems) this.items.delete(this.items.keys().next().value!);
    return entry;
  }
}
