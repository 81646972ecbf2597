/**
 * A project's live event stream over the control plane's WebSocket. It
 * remembers the last sequence number it saw and, after a dropped connection,
 * reconnects with `after=<seq>` so the server replays exactly what was missed:
 * no gap, no duplicate.
 */
import type { components } from "./api/schema";
import { session } from "./session.svelte";

export type StoredEvent = components["schemas"]["Event"];
export type StreamState = "connecting" | "live" | "reconnecting" | "closed";

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 8000;

export interface StreamOptions {
  /** Replay events after this sequence number (default: only the newest `tail`). */
  after?: number;
  /** On the first connection, replay only the newest N events (default 0: live only). */
  tail?: number;
}

export class ProjectEvents {
  state = $state<StreamState>("connecting");
  /** Highest sequence number delivered to listeners. */
  lastSeq = $state(0);
  /** Events delivered since this stream was opened (a resume never delivers one twice). */
  received = $state(0);
  readonly #projectId: string;
  readonly #listeners = new Set<(event: StoredEvent) => void>();
  #socket: WebSocket | null = null;
  #retryMs = RETRY_MIN_MS;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #resumed: boolean;
  readonly #tail: number;
  #closed = false;

  constructor(projectId: string, options: StreamOptions = {}) {
    this.#projectId = projectId;
    this.lastSeq = options.after ?? 0;
    this.#resumed = options.after !== undefined;
    this.#tail = options.tail ?? 0;
    this.#connect();
  }

  /** Calls `listener` for every event from now on; returns the unsubscribe function. */
  on(listener: (event: StoredEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.#closed = true;
    this.state = "closed";
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    this.#socket?.close(1000, "closed by the page");
  }

  #url(): string {
    const url = new URL(`/api/v1/projects/${encodeURIComponent(this.#projectId)}/ws`, location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    if (this.#resumed) url.searchParams.set("after", String(this.lastSeq));
    else url.searchParams.set("tail", String(this.#tail));
    return url.toString();
  }

  #connect(): void {
    const token = session.token;
    if (this.#closed || token === null) return;
    const socket = new WebSocket(this.#url(), ["att.v1", `att.bearer.${token}`]);
    this.#socket = socket;
    socket.onmessage = (message) => {
      const frame = JSON.parse(String(message.data)) as { type: string; event?: StoredEvent };
      if (frame.type === "ready") {
        this.state = "live";
        this.#retryMs = RETRY_MIN_MS;
        this.#resumed = true;
      } else if (frame.type === "event" && frame.event !== undefined && frame.event.seq > this.lastSeq) {
        this.lastSeq = frame.event.seq;
        this.received += 1;
        for (const listener of this.#listeners) listener(frame.event);
      }
    };
    socket.onclose = (close) => {
      if (this.#closed) return;
      // 4401/4403/4404: retrying cannot help; the page shows why.
      if (close.code >= 4400 && close.code < 4500) {
        this.state = "closed";
        if (close.code === 4401) session.rejectToken("The event stream refused the token; sign in again.");
        return;
      }
      this.state = "reconnecting";
      this.#retryTimer = setTimeout(() => this.#connect(), this.#retryMs);
      this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
    };
  }
}
