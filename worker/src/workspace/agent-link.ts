/**
 * The control plane's side of the agent link: sends requests to the agent and
 * matches responses by id. A request in flight survives a dropped link: it is
 * sent again when the agent says hello (the agent treats the id as an
 * idempotency key), and fails with `agent_timeout` if no answer comes in time.
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
  settle: (outcome: Outcome<unknown>) => void;
}

export class AgentLink {
  readonly #ctx: DurableObjectState;
  readonly #pending = new Map<string, Pending>();
  #lastMessageAt = 0;

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
    if (ws === undefined) {
      return failure({
        code: "agent_unavailable",
        message: "No agent is connected. Start one with `npm start`, or `npx att-agent` pointed at this control plane.",
      });
    }
    const id = options.frameId ?? crypto.randomUUID();
    const frame = { type: "request", id, method, params } as RequestFrame;
    const outcome = await new Promise<Outcome<unknown>>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(
          failure({ code: "agent_timeout", message: `the agent did not answer ${method} within ${timeoutMs} ms` }),
        );
      }, timeoutMs);
      this.#pending.set(id, {
        frame,
        settle: (result) => {
          clearTimeout(timer);
          this.#pending.delete(id);
          resolve(result);
        },
      });
      // If the link dropped meanwhile, the request waits for the next hello or its timeout.
      trySend(ws, frame);
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
    for (const { frame } of this.#pending.values()) trySend(ws, frame);
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
