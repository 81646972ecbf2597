/**
 * An event subscriber that behaves like a careful client: when its WebSocket
 * drops (or cannot connect, e.g. while the control plane restarts) it comes
 * back with `after=<last seq seen>`. It records every event frame exactly as
 * received, deduplicating nothing, so tests can prove the server sent no gap
 * and no duplicate.
 */
import { parseFrame, ServerToSubscriberFrame, type StoredEvent } from "@att/shared";
import WebSocket from "ws";

export interface ResumingSubscriberOptions {
  /** ws:// origin to connect to (the control plane, or a proxy in front of it). */
  origin: () => string;
  projectId: string;
  token: string;
  retryMs?: number;
}

export class ResumingSubscriber {
  readonly events: StoredEvent[] = [];
  /** Frames that failed the protocol schema (should stay empty). */
  readonly malformed: string[] = [];
  readonly #options: ResumingSubscriberOptions;
  #ws: WebSocket | null = null;
  #stopped = false;
  #lastSeq = 0;
  #connects = 0;
  #ready: (() => void) | null = null;
  #retry: NodeJS.Timeout | null = null;

  constructor(options: ResumingSubscriberOptions) {
    this.#options = options;
  }

  /** Connects; resolves once the first `ready` frame (replay done) arrives. */
  start(): Promise<void> {
    const ready = new Promise<void>((resolve) => {
      this.#ready = resolve;
    });
    this.#connect();
    return ready;
  }

  /** How many times a socket was opened (1 + resumes). */
  get connects(): number {
    return this.#connects;
  }

  async waitUntil(what: string, done: (events: readonly StoredEvent[]) => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.events)) {
      if (Date.now() > deadline) throw new Error(`subscriber: ${what} not seen within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  close(): void {
    this.#stopped = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#ws?.terminate();
  }

  #connect(): void {
    if (this.#stopped) return;
    this.#connects += 1;
    const { origin, projectId, token } = this.#options;
    const ws = new WebSocket(`${origin()}/api/v1/projects/${projectId}/ws?after=${this.#lastSeq}`, {
      headers: { authorization: `Bearer ${token}` },
      handshakeTimeout: 5000,
    });
    this.#ws = ws;
    ws.on("message", (data) => this.#onMessage(data.toString()));
    ws.on("error", () => undefined); // 'close' follows and resumes
    ws.on("close", () => {
      if (this.#ws !== ws || this.#stopped) return;
      this.#retry = setTimeout(() => this.#connect(), this.#options.retryMs ?? 100);
    });
  }

  #onMessage(text: string): void {
    const parsed = parseFrame(ServerToSubscriberFrame, text);
    if (!parsed.ok) {
      this.malformed.push(text.slice(0, 200));
      return;
    }
    const frame = parsed.frame;
    if (frame.type === "ready") {
      this.#ready?.();
      this.#ready = null;
    }
    if (frame.type === "event") {
      this.events.push(frame.event);
      this.#lastSeq = Math.max(this.#lastSeq, frame.event.seq);
    }
  }
}

/** Problems in a received sequence: seqs must be 1, 2, 3, ... with unique ids. */
export function sequenceProblems(events: readonly StoredEvent[]): string[] {
  const problems: string[] = [];
  const ids = new Set<string>();
  events.forEach((event, i) => {
    if (event.seq !== i + 1) problems.push(`position ${i}: seq ${event.seq}, expected ${i + 1}`);
    if (ids.has(event.id)) problems.push(`position ${i}: event ${event.id} again`);
    ids.add(event.id);
  });
  return problems.slice(0, 20);
}
