/**
 * The live side of a WebSocket exchange: its chunks and steps as
 * runtime.chat.* events, and, when interactive, its questions as
 * runtime.chat.prompt events that wait for runtime.respond (or expire).
 */
import { type Json, MAX_PROMPT_WAIT_SECONDS, type WireError } from "@att/shared";
import { OperationError } from "../errors.ts";
import type { ChatEvents } from "./chat-events.ts";
import type { AskedPrompt, ExchangeHooks, PromptHandle } from "./exchange.ts";
import type { Exchanges } from "./exchanges.ts";
import { normalizePrompt } from "./prompt.ts";

const MAX_MESSAGE_CHARS = 4000;

/** An error as runtime.chat.done reports it: what runtime.send answers with. */
export function wireError(error: unknown): WireError {
  if (!(error instanceof OperationError)) {
    const message = error instanceof Error ? error.message : String(error);
    return { code: "internal", message: `runtime.send failed on the agent: ${message}`.slice(0, MAX_MESSAGE_CHARS) };
  }
  const wire: WireError = { code: error.code, message: error.message.slice(0, MAX_MESSAGE_CHARS) };
  if (error.details !== undefined) wire.details = error.details;
  return wire;
}

function unanswered(prompt: AskedPrompt, waitSeconds: number): OperationError {
  return new OperationError(
    "upstream_error",
    `nobody answered the workflow's question within ${waitSeconds} s: ${prompt.content.text ?? "(no text)"}`,
    { reason: "human_input_timeout", interactionId: prompt.interactionId, waitSeconds },
  );
}

export interface ChatOptions {
  events: ChatEvents;
  exchanges: Exchanges;
  /** Waits for human answers; false fails the exchange at the first question. */
  interactive: boolean;
  /** How long to wait for an answer when NAT's prompt has no timeout of its own. */
  promptTimeoutSeconds: number;
}

function promptEvent(options: ChatOptions, prompt: AskedPrompt, expiresAt: string | null): { [key: string]: Json } {
  return {
    exchangeId: options.events.exchangeId,
    interactionId: prompt.interactionId,
    prompt: normalizePrompt(prompt.content),
    awaitsResponse: expiresAt !== null,
    expiresAt,
  };
}

/** Registers the question, announces it and fails the exchange if it stays unanswered. */
function ask(options: ChatOptions, prompt: AskedPrompt, handle: PromptHandle): void {
  const { exchanges, events } = options;
  const exchangeId = events.exchangeId;
  const waitSeconds = Math.min(prompt.content.timeout ?? options.promptTimeoutSeconds, MAX_PROMPT_WAIT_SECONDS);
  const expiresAt = new Date(Date.now() + waitSeconds * 1000).toISOString();
  const timer = setTimeout(() => {
    exchanges.settle(exchangeId, prompt.interactionId);
    handle.fail(unanswered(prompt, waitSeconds));
  }, waitSeconds * 1000);
  exchanges.ask(exchangeId, prompt.interactionId, {
    prompt: normalizePrompt(prompt.content),
    answer: (text) => {
      handle.reply(text);
      clearTimeout(timer);
      exchanges.settle(exchangeId, prompt.interactionId);
    },
    cancel: () => clearTimeout(timer),
  });
  events.emit("runtime.chat.prompt", promptEvent(options, prompt, expiresAt));
}

export function chatHooks(options: ChatOptions): ExchangeHooks {
  const { events } = options;
  const hooks: ExchangeHooks = {
    text: (chunk) => events.text(chunk),
    step: (step) => events.step(step),
    notify: (prompt) => {
      options.exchanges.settle(events.exchangeId, prompt.interactionId); // answering it is a conflict, not unknown
      events.emit("runtime.chat.prompt", promptEvent(options, prompt, null));
    },
  };
  if (options.interactive) hooks.ask = (prompt, handle) => ask(options, prompt, handle);
  return hooks;
}
