/**
 * One exchange over NAT's `/websocket`: a `user_message` with schema
 * `chat_stream`, then intermediate steps and answer chunks until the
 * `system_response_message` whose status is `complete`. Chunks and steps
 * are passed to the caller's hooks as they arrive. A question from the
 * workflow (HITL) fails the exchange at once, unless the caller asks it
 * (interactive): then the exchange waits for the answer, its clock paused,
 * and sends it back as a `user_interaction_message` on the same socket.
 */
import { type IntermediateStep, MAX_EXCHANGE_SECONDS } from "@att/shared";
import WebSocket from "ws";
import { OperationError } from "../errors.ts";
import type { AskedPrompt, ExchangeHooks, NatExchange, SendOptions } from "./exchange.ts";
import { type WsInteraction, WsServerMessage, WsTyped } from "./nat-wire.ts";
import { awaitsResponse } from "./prompt.ts";
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
import { WorkClock } from "./work-clock.ts";

const KNOWN_TYPES = new Set<string>(WsServerMessage.options.map((option) => option.shape.type.value));

function webSocketUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, "").replace(/^http/, "ws")}/websocket`;
}

function textContent(text: string) {
  return { messages: [{ role: "user", content: [{ type: "text", text }] }] };
}

function userMessage(text: string, conversationId: string): string {
  return JSON.stringify({
    type: "user_message",
    schema_type: "chat_stream",
    id: crypto.randomUUID(),
    conversation_id: conversationId,
    content: textContent(text),
    timestamp: new Date().toISOString(),
  });
}

/** The answer to a prompt, addressed the way NAT-UI does it (same thread and parent as the prompt). */
function interactionReply(prompt: AskedPrompt, text: string, conversationId: string): string {
  return JSON.stringify({
    type: "user_interaction_message",
    id: crypto.randomUUID(),
    thread_id: prompt.threadId,
    parent_id: prompt.parentId,
    conversation_id: conversationId,
    content: textContent(text),
    timestamp: new Date().toISOString(),
  });
}

function askedPrompt(message: WsInteraction): AskedPrompt {
  return {
    interactionId: message.id ?? crypto.randomUUID(),
    threadId: message.thread_id ?? "default",
    parentId: message.parent_id ?? "default",
    content: message.content,
  };
}

function overLimit(url: string): OperationError {
  return new OperationError(
    "upstream_error",
    `the exchange took longer than ATT's limit of ${MAX_EXCHANGE_SECONDS} s for one exchange (waits for human answers included) on ${url}`,
    { url, reason: "exchange_limit", limitSeconds: MAX_EXCHANGE_SECONDS },
  );
}

/** What a message means for the exchange: the end, a failure, a question, or nothing to act on. */
type Outcome = "complete" | OperationError | { prompt: WsInteraction } | null;

/** What one exchange has received so far. */
class Received {
  readonly steps: IntermediateStep[] = [];
  text = "";
  readonly #url: string;
  readonly #hooks: ExchangeHooks;
  constructor(url: string, hooks: ExchangeHooks) {
    this.#url = url;
    this.#hooks = hooks;
  }

  receive(body: string): Outcome {
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
      case "system_intermediate_message": {
        const step = fromWebSocketStep(m, parsed.value);
        addWebSocketStep(this.steps, step);
        this.#hooks.step?.(step);
        return null;
      }
      case "error_message":
        return natReported(m.content);
      case "system_interaction_message":
        return { prompt: m };
      case "system_response_message":
        this.#answer(m.content.text, m.content.value);
        return m.status === "complete" ? "complete" : null;
    }
  }

  #answer(text: string | null | undefined, value: unknown): void {
    let chunk = "";
    if (typeof text === "string") chunk = text;
    else if (value !== undefined && value !== null) chunk = typeof value === "string" ? value : JSON.stringify(value);
    if (chunk === "") return;
    this.text += chunk;
    this.#hooks.text?.(chunk);
  }
}

/** The socket, the clocks and the prompts of one exchange; `done` settles once. */
class Exchange {
  readonly #options: SendOptions;
  readonly #hooks: ExchangeHooks;
  readonly #url: string;
  readonly #conversationId: string;
  readonly #received: Received;
  readonly #socket: WebSocket;
  readonly #clock: WorkClock;
  readonly #limit: NodeJS.Timeout;
  readonly #done: (error: OperationError | null) => void;
  #asking = 0;
  #settled = false;

  constructor(options: SendOptions, done: (exchange: NatExchange | OperationError) => void) {
    this.#options = options;
    this.#hooks = options.hooks ?? {};
    this.#url = webSocketUrl(options.baseUrl);
    this.#conversationId = options.conversationId ?? crypto.randomUUID();
    this.#received = new Received(this.#url, this.#hooks);
    this.#done = (error) => done(error ?? this.#result());
    this.#clock = new WorkClock(options.timeoutMs, () => this.#settle(timedOut(this.#url, options.timeoutMs)));
    this.#limit = setTimeout(() => this.#settle(overLimit(this.#url)), MAX_EXCHANGE_SECONDS * 1000);
    this.#socket = new WebSocket(this.#url, { handshakeTimeout: options.timeoutMs });
    this.#listen();
  }

  #result(): NatExchange {
    const { text, steps } = this.#received;
    return { text, steps: pairDurations(steps), conversationId: this.#conversationId, raw: null };
  }

  #listen(): void {
    const socket = this.#socket;
    socket.on("open", () => socket.send(userMessage(this.#options.message, this.#conversationId)));
    socket.on("unexpected-response", (_request, response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () =>
        this.#settle(badStatus(this.#url, response.statusCode ?? 0, Buffer.concat(chunks).toString())),
      );
      response.on("error", (error) => this.#settle(unreachable(this.#url, error)));
    });
    socket.on("error", (error) => this.#settle(unreachable(this.#url, error)));
    socket.on("close", (code, reason) => {
      const why = reason.toString() === "" ? `code ${code}` : `code ${code}: ${reason.toString()}`;
      this.#settle(
        new OperationError("upstream_error", `the app closed the WebSocket before the answer was complete (${why})`),
      );
    });
    socket.on("message", (data, isBinary) => {
      if (isBinary || this.#settled) return;
      const outcome = this.#received.receive(data.toString());
      if (outcome === null) return;
      if (outcome === "complete") this.#settle(null);
      else if (outcome instanceof OperationError) this.#settle(outcome);
      else this.#prompted(outcome.prompt);
    });
  }

  #prompted(message: WsInteraction): void {
    const prompt = askedPrompt(message);
    const ask = this.#hooks.ask;
    if (!awaitsResponse(message.content, ask !== undefined)) {
      this.#hooks.notify?.(prompt);
      return;
    }
    if (ask === undefined) {
      const error = humanInputRequired(message.content.text ?? null, {
        inputType: message.content.input_type,
        url: this.#url,
      });
      this.#settle(error);
      return;
    }
    this.#asking += 1;
    this.#clock.pause();
    let answered = false;
    ask(prompt, {
      reply: (text) => {
        if (answered) throw new OperationError("conflict", "this prompt was already answered");
        this.#reply(prompt, text);
        answered = true;
      },
      fail: (error) => this.#settle(error),
    });
  }

  #reply(prompt: AskedPrompt, text: string): void {
    if (this.#settled || this.#socket.readyState !== WebSocket.OPEN)
      throw new OperationError("conflict", "the exchange already ended; the answer was not sent", {
        reason: "exchange_ended",
      });
    this.#socket.send(interactionReply(prompt, text, this.#conversationId));
    this.#asking -= 1;
    if (this.#asking === 0) this.#clock.resume();
  }

  #settle(error: OperationError | null): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#clock.stop();
    clearTimeout(this.#limit);
    if (error === null) this.#socket.close(1000);
    else this.#socket.terminate();
    this.#done(error);
  }
}

export function sendOverWebSocket(options: SendOptions): Promise<NatExchange> {
  return new Promise<NatExchange>((resolve, reject) => {
    new Exchange(options, (outcome) => (outcome instanceof OperationError ? reject(outcome) : resolve(outcome)));
  });
}
