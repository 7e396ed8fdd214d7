/**
 * Gathers items submitted one at a time (one per BullMQ job) into batches, so
 * the database sees one set-based transaction per batch instead of one per
 * like. A batch is flushed when full or when the queue momentarily runs dry;
 * batches run one after another, so the next fills while one commits.
 */
export class MicroBatcher<I, O> {
  private pending: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly process: (items: I[]) => Promise<O[]>,
    private readonly options: { maxSize: number; maxWaitMs: number },
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
    while (this.pending.length > 0 || this.running) {
      this.kick();
      await this.running;
    }
  }

  private kick(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.running || this.pending.length === 0) return;
    const batch = this.pending.splice(0, this.options.maxSize);
    this.running = this.run(batch).finally(() => {
      this.running = undefined;
      if (this.pending.length > 0) this.kick();
    });
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
