/**
 * One exchange over NAT's `/websocket`: a `user_message` with schema
 * `chat_stream`, then intermediate steps and answer chunks until the
 * `system_response_message` whose status is `complete`. A question from the
 * workflow (HITL) fails the exchange at once instead of waiting for an
 * answer nobody will give here.
 */
import type { IntermediateStep } from "@att/shared";
import WebSocket from "ws";
import { OperationError } from "../errors.ts";
import type { NatExchange, SendOptions } from "./exchange.ts";
import { WsServerMessage, WsTyped } from "./nat-wire.ts";
import { addWebSocketStep, fromWebSocketStep, pairDurations } from "./steps.ts";
import {
  badStatus,
  humanInputRequired,
  natReported,
  parseJsonText,
  timedOut,
  unreachable,
  unreadable,
} from "./upstream.ts";

const KNOWN_TYPES = new Set<string>(WsServerMessage.options.map((option) => option.shape.type.value));

function webSocketUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "").replace(/^http/, "ws")}/websocket`;
}

function userMessage(text: string, conversationId: string): string {
  return JSON.stringify({
    type: "user_message",
    schema_type: "chat_stream",
    id: crypto.randomUUID(),
    conversation_id: conversationId,
    content: { messages: [{ role: "user", content: [{ type: "text", text }] }] },
    timestamp: new Date().toISOString(),
  });
}

/** What one exchange has received so far; `receive` says whether a message ends it. */
class Received {
  readonly steps: IntermediateStep[] = [];
  text = "";
  readonly #url: string;
  constructor(url: string) {
    this.#url = url;
  }

  /** "complete" at the end of the answer, an error that ends the exchange, or null to read on. */
  receive(body: string): "complete" | OperationError | null {
    const parsed = parseJsonText(body);
    if (!parsed.ok) return unreadable(this.#url, "a message", body);
    const message = WsServerMessage.safeParse(parsed.value);
    if (!message.success) {
      // Message types this client does not act on (auth, observability trace ids) are ignored.
      const typed = WsTyped.safeParse(parsed.value);
      const known = typed.success && KNOWN_TYPES.has(typed.data.type);
      return known ? unreadable(this.#url, "a message", body, message.error.message) : null;
    }
    const m = message.data;
    switch (m.type) {
      case "system_intermediate_message":
        addWebSocketStep(this.steps, fromWebSocketStep(m, parsed.value));
        return null;
      case "error_message":
        return natReported(m.content);
      case "system_interaction_message":
        // A notification asks nothing; NAT goes on without an answer.
        if (m.content.input_type === "notification") return null;
        return humanInputRequired(m.content.text ?? null, { inputType: m.content.input_type, url: this.#url });
      case "system_response_message":
        if (typeof m.content.text === "string") this.text += m.content.text;
        else if (m.content.value !== undefined && m.content.value !== null)
          this.text += typeof m.content.value === "string" ? m.content.value : JSON.stringify(m.content.value);
        return m.status === "complete" ? "complete" : null;
    }
  }
}

export function sendOverWebSocket(options: SendOptions): Promise<NatExchange> {
  const url = webSocketUrl(options.baseUrl);
  const conversationId = options.conversationId ?? crypto.randomUUID();
  const received = new Received(url);
  return new Promise<NatExchange>((resolve, reject) => {
    const socket = new WebSocket(url, { handshakeTimeout: options.timeoutMs });
    let settled = false;
    const settle = (error: OperationError | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error === null) {
        socket.close(1000);
        resolve({ text: received.text, steps: pairDurations(received.steps), conversationId, raw: null });
      } else {
        socket.terminate();
        reject(error);
      }
    };
    const timer = setTimeout(() => settle(timedOut(url, options.timeoutMs)), options.timeoutMs);

    socket.on("open", () => socket.send(userMessage(options.message, conversationId)));
    socket.on("unexpected-response", (_request, response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => settle(badStatus(url, response.statusCode ?? 0, Buffer.concat(chunks).toString())));
      response.on("error", (error) => settle(unreachable(url, error)));
    });
    socket.on("error", (error) => settle(unreachable(url, error)));
    socket.on("close", (code, reason) => {
      const why = reason.toString() === "" ? `code ${code}` : `code ${code}: ${reason.toString()}`;
      settle(
        new OperationError("upstream_error", `the app closed the WebSocket before the answer was complete (${why})`),
      );
    });
    socket.on("message", (data, isBinary) => {
      if (isBinary) return;
      const outcome = received.receive(data.toString());
      if (outcome !== null) settle(outcome === "complete" ? null : outcome);
    });
  });
}
