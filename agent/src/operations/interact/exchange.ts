/** One message sent to a running NAT app and what came back, whichever route carried it. */
import type { IntermediateStep, Json, ParsedParams } from "@att/shared";
import type { OperationError } from "../errors.ts";
import type { NatHumanPrompt } from "./nat-wire.ts";

export type SendVia = ParsedParams<"runtime.send">["via"];

/** A question the workflow sent over the WebSocket (`system_interaction_message`). */
export interface AskedPrompt {
  /** NAT's id of the message; runtime.respond names the prompt by it. */
  interactionId: string;
  threadId: string;
  parentId: string;
  content: NatHumanPrompt;
}

/** How an answer to an asked prompt gets back to the exchange. */
export interface PromptHandle {
  /** Sends the human's answer to NAT on the exchange's socket; the exchange's clock runs again. */
  reply: (text: string) => void;
  /** Ends the exchange with this error (nobody answered in time). */
  fail: (error: OperationError) => void;
}

/** What a caller sees of a WebSocket exchange while it runs; the HTTP routes call none of these. */
export interface ExchangeHooks {
  /** The next chunk of the answer. */
  text?: (chunk: string) => void;
  /** A new step, or a newer version of one (same id and type). */
  step?: (step: IntermediateStep) => void;
  /** A prompt NAT does not wait for an answer to (a notification; OAuth consent when interactive). */
  notify?: (prompt: AskedPrompt) => void;
  /**
   * Set for interactive exchanges: a question waits for `handle.reply`, with
   * the exchange's clock paused, instead of failing the exchange at once.
   */
  ask?: (prompt: AskedPrompt, handle: PromptHandle) => void;
}

export interface SendOptions {
  /** The app's base URL, e.g. `http://127.0.0.1:43117`. */
  baseUrl: string;
  message: string;
  /** Sent as NAT's conversation id; the WebSocket makes one up when null. */
  conversationId: string | null;
  /** How long the app may work on the answer (time waiting for a human answer is not counted). */
  timeoutMs: number;
  hooks?: ExchangeHooks;
}

export interface NatExchange {
  text: string;
  steps: IntermediateStep[];
  conversationId: string | null;
  /** NAT's final answer object, when it sent one. */
  raw: Json | null;
}
