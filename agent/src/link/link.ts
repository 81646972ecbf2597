/**
 * The agent's side of the link: dials the control plane, says hello, runs
 * requests, streams the outbox with a window of unacknowledged events, sends
 * heartbeats, and reconnects with backoff. Nothing is lost across drops:
 * answers and events stay on disk until the control plane acknowledges them.
 * Every frame is written by `stringifyRedacted`: no known secret leaves.
 */
import {
  type Capabilities,
  CloseCode,
  HEARTBEAT_TEXT,
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  type Project,
  parseFrame,
  type RequestFrame,
  type ServerToAgentFrame,
  ServerToAgentFrame as ServerToAgentFrameSchema,
} from "@att/shared";
import WebSocket from "ws";
import { log } from "../log.ts";
import { stringifyRedacted } from "../security/redact.ts";
import type { Outbox } from "../state/outbox.ts";
import type { ResponseStore } from "../state/responses.ts";
import { backoffDelay } from "./backoff.ts";
import { type AnyResponseFrame, rejectMalformedRequest } from "./requests.ts";

export interface LinkOptions {
  url: string;
  token: string;
  agentId: string;
  capabilities: () => Promise<Capabilities>;
  projects: () => Promise<Project[]>;
  outbox: Outbox;
  responses: ResponseStore;
  execute: (frame: RequestFrame) => Promise<AnyResponseFrame>;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  backoff: { baseMs: number; maxMs: number };
  /** Most events sent and not yet acknowledged at any time. */
  window: number;
}

export type LinkStatus = "connecting" | "ready" | "disconnected" | "stopped";

/** Closes after which dialling again cannot help: the agent stops and says what to do. */
const FINAL_CLOSES: ReadonlyMap<number, string> = new Map([
  [CloseCode.replaced, "another agent took over this workspace; this one stops reconnecting"],
  [
    CloseCode.forbidden,
    "the control plane revoked this agent's pairing; it stops reconnecting (pair again with POST /api/v1/agents and set ATT_AGENT_TOKEN)",
  ],
]);

export class AgentLink {
  readonly #options: LinkOptions;
  readonly #running = new Set<string>();
  readonly #statusListeners = new Set<(status: LinkStatus) => void>();
  #ws: WebSocket | null = null;
  #ready = false;
  #stopped = false;
  #attempt = 0;
  #lastSentSeq = 0;
  #inflight = 0;
  #lastHeardAt = 0;
  #heartbeat: NodeJS.Timeout | null = null;
  #reconnect: NodeJS.Timeout | null = null;

  constructor(options: LinkOptions) {
    this.#options = options;
  }

  start(): void {
    this.#connect();
  }

  onStatus(listener: (status: LinkStatus) => void): void {
    this.#statusListeners.add(listener);
  }

  /** Call after queuing events so they go out now rather than at the next ack. */
  eventsQueued(): void {
    this.#pump();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#reconnect) clearTimeout(this.#reconnect);
    this.#stopHeartbeat();
    const ws = this.#ws;
    if (ws && ws.readyState !== WebSocket.CLOSED) {
      const closed = new Promise<void>((resolve) => ws.once("close", () => resolve()));
      ws.close(CloseCode.goingAway, "agent stopping");
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
      ws.terminate();
    }
    this.#emit("stopped");
  }

  #connect(): void {
    if (this.#stopped) return;
    this.#emit("connecting");
    const ws = new WebSocket(this.#options.url, {
      headers: { authorization: `Bearer ${this.#options.token}` },
      maxPayload: MAX_FRAME_BYTES,
      handshakeTimeout: 10_000,
    });
    this.#ws = ws;
    ws.on("open", () => void this.#onOpen(ws));
    ws.on("message", (data, isBinary) => this.#onMessage(ws, isBinary ? "" : data.toString()));
    ws.on("unexpected-response", (_request, response) => {
      const hint = response.statusCode === 401 ? " (the pairing token was refused: check ATT_AGENT_TOKEN)" : "";
      log("error", `control plane refused the link: HTTP ${response.statusCode}${hint}`, { url: this.#options.url });
      ws.terminate();
    });
    ws.on("error", (error) => log("warn", "link error", { error: error.message }));
    ws.on("close", (code, reason) => this.#onClose(ws, code, reason.toString()));
  }

  async #onOpen(ws: WebSocket): Promise<void> {
    this.#lastHeardAt = Date.now();
    this.#startHeartbeat(ws);
    try {
      const [capabilities, projects] = await Promise.all([this.#options.capabilities(), this.#options.projects()]);
      this.#send(ws, {
        type: "hello",
        protocolVersion: PROTOCOL_VERSION,
        agentId: this.#options.agentId,
        capabilities,
        projects,
      });
    } catch (error) {
      log("error", "could not prepare hello", { error: (error as Error).message });
      ws.close(CloseCode.internalError, "hello failed");
    }
  }

  #onMessage(ws: WebSocket, text: string): void {
    if (ws !== this.#ws) return;
    this.#lastHeardAt = Date.now();
    const parsed = parseFrame(ServerToAgentFrameSchema, text);
    if (!parsed.ok) {
      const answer = rejectMalformedRequest(text, parsed.error);
      if (answer !== null) this.#send(ws, answer);
      else log("warn", "ignored a frame the agent does not understand", { code: parsed.error.code });
      return;
    }
    this.#dispatch(ws, parsed.frame);
  }

  #dispatch(ws: WebSocket, frame: ServerToAgentFrame): void {
    switch (frame.type) {
      case "hello.ack":
        this.#ready = true;
        this.#attempt = 0;
        this.#lastSentSeq = 0;
        this.#inflight = 0;
        for (const text of this.#options.responses.unacknowledged()) this.#sendText(ws, text);
        this.#pump();
        this.#emit("ready");
        log("info", "linked to the control plane", {
          server: frame.serverVersion,
          queued: this.#options.outbox.size(),
        });
        return;
      case "request":
        this.#onRequest(ws, frame);
        return;
      case "response.ack":
        this.#options.responses.acknowledge(frame.id);
        return;
      case "event.ack":
        this.#options.outbox.acknowledge(frame.eventId);
        this.#inflight = Math.max(0, this.#inflight - 1);
        this.#pump();
        return;
      case "heartbeat.ack":
        return;
      case "error":
        log("warn", "control plane reported an error", { code: frame.error.code, detail: frame.error.message });
        return;
    }
  }

  /** Request ids are idempotency keys: a stored answer is resent, a running one is not started twice. */
  #onRequest(ws: WebSocket, frame: RequestFrame): void {
    const stored = this.#options.responses.find(frame.id);
    if (stored !== undefined) {
      this.#sendText(ws, stored);
      return;
    }
    if (this.#running.has(frame.id)) return;
    this.#running.add(frame.id);
    void this.#options.execute(frame).then((response) => {
      const text = stringifyRedacted(response); // stored redacted too: a resend is the same text
      this.#options.responses.save(frame.id, text);
      this.#running.delete(frame.id);
      if (this.#ws !== null && this.#ready) this.#sendText(this.#ws, text);
    });
  }

  #pump(): void {
    const ws = this.#ws;
    if (ws === null || !this.#ready || ws.readyState !== WebSocket.OPEN) return;
    const { outbox, window } = this.#options;
    while (this.#inflight < window) {
      const batch = outbox.after(this.#lastSentSeq, window - this.#inflight);
      if (batch.length === 0) return;
      for (const entry of batch) {
        this.#send(ws, { type: "event", event: entry.event });
        this.#lastSentSeq = entry.seq;
        this.#inflight += 1;
      }
    }
  }

  #onClose(ws: WebSocket, code: number, reason: string): void {
    if (ws !== this.#ws) return;
    this.#ws = null;
    this.#ready = false;
    this.#stopHeartbeat();
    if (this.#stopped) return;
    this.#emit("disconnected");
    const final = FINAL_CLOSES.get(code);
    if (final !== undefined) {
      log("error", final, { code });
      this.#stopped = true;
      this.#emit("stopped");
      return;
    }
    const delay = backoffDelay(this.#attempt, this.#options.backoff);
    this.#attempt += 1;
    log("info", "link closed; reconnecting", { code, reason, delayMs: delay, attempt: this.#attempt });
    this.#reconnect = setTimeout(() => this.#connect(), delay);
  }

  #startHeartbeat(ws: WebSocket): void {
    this.#stopHeartbeat();
    this.#heartbeat = setInterval(() => {
      if (Date.now() - this.#lastHeardAt > this.#options.heartbeatTimeoutMs) {
        log("warn", "no answer to heartbeats; dropping the link", { timeoutMs: this.#options.heartbeatTimeoutMs });
        ws.terminate();
        return;
      }
      this.#sendText(ws, HEARTBEAT_TEXT);
    }, this.#options.heartbeatIntervalMs);
  }

  #stopHeartbeat(): void {
    if (this.#heartbeat) clearInterval(this.#heartbeat);
    this.#heartbeat = null;
  }

  /** The way out for frames: every string in them redacted. */
  #send(ws: WebSocket, frame: object): void {
    this.#sendText(ws, stringifyRedacted(frame));
  }

  #sendText(ws: WebSocket, text: string): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(text);
  }

  #emit(status: LinkStatus): void {
    for (const listener of this.#statusListeners) listener(status);
  }
}
