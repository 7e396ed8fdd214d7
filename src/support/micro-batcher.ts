/**
 * Gathers items submitted one at a time (one per BullMQ job) into batches, so
 * the database sees one set-based transaction per batch instead of one per
 * like. A batch is flushed when full or after a short wait; up to
 * `maxInFlight` batches commit at once, so the database's latency overlaps
 * with the queue's instead of adding to it.
 */
export class MicroBatcher<I, O> {
  private pending: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private readonly running = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly process: (items: I[]) => Promise<O[]>,
    private readonly options: { maxSize: number; maxWaitMs: number; maxInFlight?: number },
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.options.maxSize) this.kick();
      else this.timer ??= setTimeout(() => this.kick(), this.options.maxWaitMs);
    });
  }

  /** Resolves when everything submitted so far is done. */
  async drain(): Promise<void> {
    while (this.pending.length > 0 || this.running.size > 0) {
      this.kick();
      await Promise.race(this.running);
    }
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.pending.length > 0 && this.running.size < (this.options.maxInFlight ?? 1)) {
      const batch = this.pending.splice(0, this.options.maxSize);
      const run: Promise<void> = this.run(batch).finally(() => {
        this.running.delete(run);
        if (this.pending.length > 0) this.kick();
      });
      this.running.add(run);
    }
  }

  private async run(batch: typeof this.pending): Promise<void> {
    try {
      const outputs = await this.process(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(outputs[i]!));
    } catch (error) {
      batch.forEach((b) => b.reject(error));
    }
  }
}
