/**
 * Reads a workflow again after its events, without a fast poll and without
 * stale answers: a burst of events is one read (after a short delay), one
 * read per workflow is in flight at a time, and events that arrive during a
 * read cause exactly one more read after it. Reads of one workflow are thus
 * issued in order, so the last answer applied is the newest state.
 */
export class RefreshQueue {
  readonly #read: (id: string) => Promise<void>;
  readonly #delayMs: number;
  readonly #pending = new Set<string>();
  readonly #inFlight = new Set<string>();
  readonly #again = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #closed = false;

  constructor(options: { read: (id: string) => Promise<void>; delayMs: number }) {
    this.#read = options.read;
    this.#delayMs = options.delayMs;
  }

  /** Asks for a read of `id` soon; repeated asks before it runs are one read. */
  request(id: string): void {
    if (this.#closed) return;
    if (this.#inFlight.has(id)) {
      this.#again.add(id);
      return;
    }
    this.#pending.add(id);
    this.#timer ??= setTimeout(() => this.#flush(), this.#delayMs);
  }

  /** Stops: nothing scheduled runs, answers still arriving are the caller's to ignore. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#pending.clear();
    this.#again.clear();
  }

  #flush(): void {
    this.#timer = null;
    const ids = [...this.#pending];
    this.#pending.clear();
    for (const id of ids) void this.#run(id);
  }

  async #run(id: string): Promise<void> {
    this.#inFlight.add(id);
    try {
      await this.#read(id);
    } catch {
      // The reader reports its own failures; the queue only orders the reads.
    } finally {
      this.#inFlight.delete(id);
      if (this.#again.delete(id)) this.request(id);
    }
  }
}
