/**
 * Batches an app's log lines into `runtime.log` events. Each event costs one
 * outbox row and one link frame, so lines wait up to `intervalMs` and travel
 * together; a batch that reaches `maxLines` or `maxBytes` leaves at once, so a
 * burst becomes a few full events rather than one per line, and no line is
 * left out.
 */
import type { Json } from "@att/shared";
import type { StoredLine } from "./store-types.ts";

export interface LiveBatchOptions {
  intervalMs: number;
  maxLines: number;
  maxBytes: number;
  publish: (projectId: string, payload: { [key: string]: Json }) => void;
}

interface Pending {
  projectId: string;
  runtimeId: string;
  lines: StoredLine[];
  bytes: number;
}

/** Room for a line's cursor, time, stream and level around its text in the event JSON. */
const LINE_OVERHEAD_BYTES = 96;

export class LiveBatches {
  readonly #options: LiveBatchOptions;
  readonly #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | null = null;

  constructor(options: LiveBatchOptions) {
    this.#options = options;
  }

  add(line: StoredLine): void {
    let pending = this.#pending.get(line.runtimeId);
    if (pending === undefined) {
      pending = { projectId: line.projectId, runtimeId: line.runtimeId, lines: [], bytes: 0 };
      this.#pending.set(line.runtimeId, pending);
    }
    // Measured as JSON: escapes can make a line several times longer than its text.
    const bytes = Buffer.byteLength(JSON.stringify(line.text)) + LINE_OVERHEAD_BYTES;
    if (pending.lines.length > 0 && pending.bytes + bytes > this.#options.maxBytes) this.#send(pending);
    pending.lines.push(line);
    pending.bytes += bytes;
    if (pending.lines.length >= this.#options.maxLines) this.#send(pending);
    if (this.#timer === null && pending.lines.length > 0) {
      this.#timer = setTimeout(() => this.flush(), this.#options.intervalMs);
      this.#timer.unref();
    }
  }

  /** Sends every waiting line now. */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    for (const pending of this.#pending.values()) if (pending.lines.length > 0) this.#send(pending);
    this.#pending.clear();
  }

  #send(pending: Pending): void {
    const lines = pending.lines;
    const first = lines[0];
    const last = lines.at(-1);
    pending.lines = [];
    pending.bytes = 0;
    if (first === undefined || last === undefined) return;
    this.#options.publish(pending.projectId, {
      runtimeId: pending.runtimeId,
      firstCursor: first.cursor,
      lastCursor: last.cursor,
      lines: lines.map((l) => ({ cursor: l.cursor, at: l.at, stream: l.stream, level: l.level, text: l.text })),
    });
  }
}
