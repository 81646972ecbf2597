/**
 * A project's live event stream over the control plane's WebSocket. The first
 * connection starts at "now" (`tail=0`); the `ready` frame says which sequence
 * number that is. After a dropped connection it reconnects with
 * `after=<last seq>`, so the server replays exactly what was missed: no gap,
 * no duplicate, and never the project's whole history.
 */
import { api } from "./api/client.ts";
import { ApiProblem } from "./api/problem.ts";
import type { components } from "./api/schema";
import { session } from "./session.svelte.ts";

export type StoredEvent = components["schemas"]["Event"];
export type StreamState = "connecting" | "live" | "reconnecting" | "closed";

const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 8000;

type Frame = { type: "ready"; seq: number } | { type: "event"; event: StoredEvent } | { type: "error" };

export class ProjectEvents {
  state = $state<StreamState>("connecting");
  /** Why the stream gave up (state "closed"), for the page to show. */
  closedReason = $state<string | null>(null);
  /** Highest sequence number seen (delivered, or announced by `ready`). */
  lastSeq = $state(0);
  /** Events delivered since this stream was opened (a resume never delivers one twice). */
  received = $state(0);
  readonly #projectId: string;
  readonly #listeners = new Set<(event: StoredEvent) => void>();
  #socket: WebSocket | null = null;
  #retryMs = RETRY_MIN_MS;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** False until the first `ready`: until then there is no position to resume from. */
  #positioned = false;
  #closed = false;

  constructor(projectId: string) {
    this.#projectId = projectId;
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
    if (this.#positioned) url.searchParams.set("after", String(this.lastSeq));
    else url.searchParams.set("tail", "0");
    return url.toString();
  }

  #giveUp(reason: string): void {
    this.state = "closed";
    this.closedReason = reason;
  }

  #connect(): void {
    if (this.#closed) return;
    const token = session.token;
    if (token === null) {
      this.#giveUp("signed out");
      return;
    }
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.#url(), ["att.v1", `att.bearer.${token}`]);
    } catch (error) {
      // e.g. a token with characters a WebSocket subprotocol cannot carry.
      this.#giveUp(`the event stream cannot be opened: ${error instanceof Error ? error.message : error}`);
      return;
    }
    this.#socket = socket;
    let opened = false;
    socket.onopen = () => {
      opened = true;
    };
    socket.onmessage = (message) => this.#receive(String(message.data));
    socket.onclose = () => {
      if (this.#closed) return;
      this.state = "reconnecting";
      // Refusals (bad token, unknown project) happen before the upgrade and reach the page only as a
      // failed connection; ask REST why, and stop when retrying cannot help.
      const retry = () => {
        this.#retryTimer = setTimeout(() => this.#connect(), this.#retryMs);
        this.#retryMs = Math.min(this.#retryMs * 2, RETRY_MAX_MS);
      };
      if (opened) return retry();
      void this.#whyRefused().then((reason) => (reason === null ? retry() : this.#giveUp(reason)));
    };
  }

  /** A reason to stop retrying, or null when the failure may pass (control plane restarting). */
  async #whyRefused(): Promise<string | null> {
    try {
      await api.GET("/api/v1/projects/{id}", { params: { path: { id: this.#projectId } } });
      return null;
    } catch (error) {
      // A 401 has already signed the session out (client middleware) with the reason.
      if (error instanceof ApiProblem && (error.status === 401 || error.status === 404)) return error.message;
      return null;
    }
  }

  #receive(data: string): void {
    let frame: Frame;
    try {
      frame = JSON.parse(data) as Frame;
    } catch {
      return; // not ATT's framing; the server never sends this
    }
    if (frame.type === "ready") {
      this.state = "live";
      this.closedReason = null;
      this.#retryMs = RETRY_MIN_MS;
      this.#positioned = true;
      this.lastSeq = Math.max(this.lastSeq, frame.seq);
      return;
    }
    if (frame.type !== "event" || frame.event.seq <= this.lastSeq) return;
    this.lastSeq = frame.event.seq;
    this.received += 1;
    for (const listener of this.#listeners) {
      try {
        listener(frame.event);
      } catch (error) {
        console.error("event listener failed", error);
      }
    }
  }
}
