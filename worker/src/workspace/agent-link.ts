/**
 * The control plane's side of the agent link: sends requests to the agent and
 * matches responses by id. A request in flight survives a dropped link: it is
 * sent again when the agent says hello (the agent treats the id as an
 * idempotency key), and fails with `agent_timeout` if no answer comes in time.
 * A request that arrives while a dropped link is coming back waits for it
 * (briefly) instead of failing at once.
 */
import {
  type AgentMethod,
  CloseCode,
  HEARTBEAT_TIMEOUT_MS,
  type MethodParams,
  type MethodResult,
  type RequestFrame,
  type ResponseFrame,
  resultSchemaOf,
} from "@att/shared";
import type { z } from "zod";
import { log } from "../log.ts";
import { failure, type Outcome, success } from "./outcome.ts";
import { AGENT_TAG, readAttachment, trySend } from "./sockets.ts";

interface Pending {
  frame: RequestFrame;
  /** Whether the frame reached an agent socket: an unsent request can still safely fail as `agent_unavailable`. */
  sent: boolean;
  settle: (outcome: Outcome<unknown>) => void;
}

/**
 * How long after a link drops a request waits for the agent to come back.
 * A flapping network costs the agent a reconnect of well under a second;
 * without this, every request in that gap failed with 503 although the agent
 * was back almost at once (about half of them with a drop every ~0.5 s).
 */
export const RECONNECT_GRACE_MS = 5000;

/** Close codes of an agent that said goodbye or was refused: it is not expected back, so requests fail at once. */
const GONE = new Set<number>([
  CloseCode.normal,
  CloseCode.goingAway,
  CloseCode.unauthorized,
  CloseCode.forbidden,
  CloseCode.protocolVersion,
]);

const UNAVAILABLE = {
  code: "agent_unavailable",
  message: "No agent is connected. Start one with `npm start`, or `npx att-agent` pointed at this control plane.",
} as const;

export class AgentLink {
  readonly #ctx: DurableObjectState;
  readonly #pending = new Map<string, Pending>();
  #lastMessageAt = 0;
  /** When a ready agent's link dropped; null while linked, or after a deliberate goodbye. */
  #droppedAt: number | null = null;

  constructor(ctx: DurableObjectState) {
    this.#ctx = ctx;
  }

  /** The agent socket that has completed its hello, if any. */
  socket(): WebSocket | undefined {
    return this.#ctx.getWebSockets(AGENT_TAG).find((ws) => {
      const attachment = readAttachment(ws);
      return attachment?.role === "agent" && attachment.ready;
    });
  }

  touch(): void {
    this.#lastMessageAt = Date.now();
  }

  /** A ready agent socket closed with `code`: unless it was a goodbye, requests wait a grace for the agent's return. */
  closed(code: number): void {
    this.#droppedAt = GONE.has(code) ? null : Date.now();
  }

  /** Last time the agent was heard from: a frame or an auto-answered heartbeat. */
  lastHeardAt(ws: WebSocket): number {
    const heartbeat = this.#ctx.getWebSocketAutoResponseTimestamp(ws)?.getTime() ?? 0;
    const attachment = readAttachment(ws);
    const connectedAt = attachment?.role === "agent" ? Date.parse(attachment.connectedAt) : 0;
    return Math.max(heartbeat, this.#lastMessageAt, connectedAt);
  }

  /** Closes a link that has been silent past the heartbeat timeout; returns whether it did. */
  closeIfSilent(ws: WebSocket, now = Date.now()): boolean {
    if (now - this.lastHeardAt(ws) <= HEARTBEAT_TIMEOUT_MS) return false;
    safeClose(ws, CloseCode.heartbeatTimeout, "no heartbeat");
    return true;
  }

  async call<M extends AgentMethod>(options: {
    method: M;
    params: MethodParams<M>;
    requestId: string;
    timeoutMs: number;
    /** The request frame's id: the agent's idempotency key. A workflow step passes a stable one, so a retry after a restart is answered, not run again. */
    frameId?: string;
  }): Promise<Outcome<MethodResult<M>>> {
    const { method, params, requestId, timeoutMs } = options;
    const ws = this.socket();
    const graceLeft = this.#droppedAt === null ? 0 : this.#droppedAt + RECONNECT_GRACE_MS - Date.now();
    if (ws === undefined && graceLeft <= 0) return failure(UNAVAILABLE);
    const id = options.frameId ?? crypto.randomUUID();
    const frame = { type: "request", id, method, params } as RequestFrame;
    const outcome = await new Promise<Outcome<unknown>>((resolve) => {
      const pending: Pending = {
        frame,
        sent: false,
        settle: (result) => {
          clearTimeout(timer);
          if (grace !== undefined) clearTimeout(grace);
          this.#pending.delete(id);
          resolve(result);
        },
      };
      const timer = setTimeout(
        () =>
          pending.settle(
            pending.sent
              ? failure({ code: "agent_timeout", message: `the agent did not answer ${method} within ${timeoutMs} ms` })
              : failure(UNAVAILABLE),
          ),
        timeoutMs,
      );
      // No agent now, but one dropped moments ago: wait for its hello (resendPending), not past the grace.
      const grace =
        ws === undefined
          ? setTimeout(() => {
              if (!pending.sent) pending.settle(failure(UNAVAILABLE));
            }, graceLeft)
          : undefined;
      this.#pending.set(id, pending);
      // If the link dropped meanwhile, the request waits for the next hello or its timeout.
      if (ws !== undefined) pending.sent = trySend(ws, frame);
    });
    log("debug", "agent call finished", { requestId, agentRequestId: id, method, ok: outcome.ok });
    if (!outcome.ok) return outcome;
    return parseResult(resultSchemaOf(method), outcome.value, method);
  }

  /** Settles the matching pending request; unknown ids (late or repeated answers) are dropped. */
  onResponse(frame: ResponseFrame): void {
    const pending = this.#pending.get(frame.id);
    if (pending === undefined) return;
    pending.settle(frame.ok ? success(frame.result) : failure(frame.error));
  }

  /** After a (re)connect, sends every request still waiting for an answer. */
  resendPending(ws: WebSocket): void {
    this.#droppedAt = null;
    for (const pending of this.#pending.values()) if (trySend(ws, pending.frame)) pending.sent = true;
  }
}

function parseResult<T>(schema: z.ZodType<T>, value: unknown, method: string): Outcome<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return success(parsed.data);
  return failure({ code: "agent_error", message: `the agent's answer to ${method} does not match the protocol` });
}

export function safeClose(ws: WebSocket, code: number, reason: string): void {
  try {
    ws.close(code, reason);
  } catch {
    // Already closed.
  }
}
