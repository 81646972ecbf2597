/**
 * One exchange with the project's NAT app, as the Chat view builds it: the
 * runtime.chat.* events of the project's event stream (answer pieces,
 * intermediate steps, questions for a human, the end), read defensively
 * from their JSON payloads, folded into a message; then reconciled with the
 * final result of runtime.send, whose answer text wins.
 */
import type { Schemas } from "#lib/api/client.ts";
import { isRecord, num, str } from "#lib/payload.ts";

export type Step = Schemas["IntermediateStep"];
export type SendVia = Schemas["SendVia"];

/** NAT's HumanPrompt as the agent normalizes it (payload of runtime.chat.prompt). */
export interface ChatPrompt {
  text: string;
  inputType: string;
  options?: { id: string; label: string; value: string; description?: string }[];
  timeoutSec?: number;
  placeholder?: string;
  required?: boolean;
  error?: string;
}

export type ChatEvent =
  | { type: "delta"; exchangeId: string; index: number; text: string }
  | { type: "step"; exchangeId: string; step: Step }
  | {
      type: "prompt";
      exchangeId: string;
      interactionId: string;
      prompt: ChatPrompt;
      awaitsResponse: boolean;
      expiresAt: string | null;
    }
  | {
      type: "done";
      exchangeId: string;
      status: "completed" | "failed";
      error: { code: string; message: string } | null;
    };

export interface PromptState {
  interactionId: string;
  prompt: ChatPrompt;
  awaitsResponse: boolean;
  /** When the agent stops waiting: from the event, else NAT's timeout counted from arrival. */
  expiresAt: number | null;
  state: "open" | "sending" | "answered" | "closed";
  answer: string | null;
  error: unknown;
}

export interface UserMessage {
  role: "user";
  id: string;
  text: string;
}

export interface AssistantMessage {
  role: "assistant";
  /** The exchange id. */
  id: string;
  via: SendVia;
  text: string;
  steps: Step[];
  prompts: PromptState[];
  status: "streaming" | "done" | "failed";
  /** How many answer pieces arrived while the exchange ran (before the final result). */
  deltas: number;
  nextIndex: number;
  /** The exchange's failure: an ApiProblem from runtime.send, or the done event's error. */
  error: unknown;
  durationMs: number | null;
  traceId: string | null;
}

export type Message = UserMessage | AssistantMessage;

export interface SendResult {
  text: string;
  steps: Step[];
  durationMs: number;
  traceId: string;
}

function parseStep(value: unknown): Step | null {
  if (!isRecord(value)) return null;
  const id = str(value.id);
  const type = str(value.type);
  if (id === null || type === null) return null;
  const tokens = isRecord(value.tokens) ? value.tokens : null;
  return {
    id,
    type,
    parentId: str(value.parentId),
    name: str(value.name),
    at: str(value.at),
    durationMs: num(value.durationMs),
    tokens:
      tokens === null
        ? null
        : { prompt: num(tokens.prompt) ?? 0, completion: num(tokens.completion) ?? 0, total: num(tokens.total) ?? 0 },
    // JSON from the event stream, shown as it came.
    payload: (value.payload ?? null) as Step["payload"],
  };
}

function parsePrompt(value: unknown): ChatPrompt | null {
  if (!isRecord(value)) return null;
  const text = str(value.text);
  const inputType = str(value.inputType);
  if (text === null || inputType === null) return null;
  const prompt: ChatPrompt = { text, inputType };
  if (Array.isArray(value.options)) {
    prompt.options = value.options.filter(isRecord).map((option, index) => {
      const parsed: NonNullable<ChatPrompt["options"]>[number] = {
        id: str(option.id) ?? String(index),
        label: str(option.label) ?? str(option.value) ?? String(index),
        value: str(option.value) ?? str(option.label) ?? String(index),
      };
      const description = str(option.description);
      if (description !== null) parsed.description = description;
      return parsed;
    });
  }
  const timeoutSec = num(value.timeoutSec);
  if (timeoutSec !== null) prompt.timeoutSec = timeoutSec;
  const placeholder = str(value.placeholder);
  if (placeholder !== null) prompt.placeholder = placeholder;
  if (typeof value.required === "boolean") prompt.required = value.required;
  const error = str(value.error);
  if (error !== null) prompt.error = error;
  return prompt;
}

/** The chat event in a stored event, or null for any other event or a payload that does not fit. */
export function parseChatEvent(event: { type: string; payload: unknown }): ChatEvent | null {
  const payload = event.payload;
  if (!isRecord(payload)) return null;
  const exchangeId = str(payload.exchangeId);
  if (exchangeId === null) return null;
  switch (event.type) {
    case "runtime.chat.delta": {
      const text = str(payload.text);
      return text === null ? null : { type: "delta", exchangeId, index: num(payload.index) ?? -1, text };
    }
    case "runtime.chat.step": {
      const step = parseStep(payload.step);
      return step === null ? null : { type: "step", exchangeId, step };
    }
    case "runtime.chat.prompt": {
      const interactionId = str(payload.interactionId);
      const prompt = parsePrompt(payload.prompt);
      if (interactionId === null || prompt === null) return null;
      return {
        type: "prompt",
        exchangeId,
        interactionId,
        prompt,
        awaitsResponse: payload.awaitsResponse !== false,
        expiresAt: str(payload.expiresAt),
      };
    }
    case "runtime.chat.done": {
      const status = payload.status === "failed" ? "failed" : "completed";
      const error = isRecord(payload.error)
        ? { code: str(payload.error.code) ?? "error", message: str(payload.error.message) ?? "the exchange failed" }
        : null;
      return { type: "done", exchangeId, status, error };
    }
    default:
      return null;
  }
}

export function newAssistantMessage(id: string, via: SendVia): AssistantMessage {
  return {
    role: "assistant",
    id,
    via,
    text: "",
    steps: [],
    prompts: [],
    status: "streaming",
    deltas: 0,
    nextIndex: 0,
    error: null,
    durationMs: null,
    traceId: null,
  };
}

/** Adds a step, or replaces the earlier version of it (same id and type) that NAT resent. */
export function upsertStep(steps: Step[], step: Step): void {
  const index = steps.findIndex((s) => s.id === step.id && s.type === step.type);
  if (index === -1) steps.push(step);
  else steps[index] = step;
}

function closeOpenPrompts(message: AssistantMessage): void {
  for (const prompt of message.prompts)
    if (prompt.state === "open" || prompt.state === "sending") prompt.state = "closed";
}

/**
 * Folds one chat event into its message (mutating it). Events of other
 * exchanges, replays of pieces already seen, and anything after the final
 * result are ignored. Returns whether the message changed.
 */
export function applyChatEvent(message: AssistantMessage, event: ChatEvent, now = Date.now()): boolean {
  if (event.exchangeId !== message.id || message.status !== "streaming") return false;
  switch (event.type) {
    case "delta":
      if (event.index >= 0 && event.index < message.nextIndex) return false;
      message.text += event.text;
      message.deltas += 1;
      message.nextIndex = Math.max(message.nextIndex, event.index + 1);
      return true;
    case "step":
      upsertStep(message.steps, event.step);
      return true;
    case "prompt": {
      if (message.prompts.some((p) => p.interactionId === event.interactionId)) return false;
      const expires = event.expiresAt === null ? Number.NaN : Date.parse(event.expiresAt);
      const fallback = event.prompt.timeoutSec === undefined ? null : now + event.prompt.timeoutSec * 1000;
      message.prompts.push({
        interactionId: event.interactionId,
        prompt: event.prompt,
        awaitsResponse: event.awaitsResponse,
        expiresAt: Number.isFinite(expires) ? expires : fallback,
        state: event.awaitsResponse ? "open" : "closed",
        answer: null,
        error: null,
      });
      return true;
    }
    case "done":
      closeOpenPrompts(message);
      if (event.status === "failed" && message.error === null)
        message.error = new Error(event.error?.message ?? "the exchange failed");
      return true;
  }
}

/** The final result of runtime.send: its text and steps replace what was streamed. */
export function applyResult(message: AssistantMessage, result: SendResult): void {
  message.text = result.text;
  message.steps = result.steps;
  message.durationMs = result.durationMs;
  message.traceId = result.traceId;
  message.status = "done";
  message.error = null;
  closeOpenPrompts(message);
}

export function applyFailure(message: AssistantMessage, error: unknown): void {
  message.status = "failed";
  message.error = error;
  closeOpenPrompts(message);
}

/** Seconds left to answer a prompt, or null when it does not expire. */
export function secondsLeft(prompt: PromptState, now = Date.now()): number | null {
  if (prompt.expiresAt === null) return null;
  return Math.max(0, Math.ceil((prompt.expiresAt - now) / 1000));
}

/** Whether a prompt is answered by picking options (and how many). */
export function choiceKind(prompt: ChatPrompt): "none" | "one" | "many" {
  if (prompt.options === undefined || prompt.options.length === 0) return "none";
  return prompt.inputType === "checkbox" ? "many" : "one";
}

/** The most messages a conversation keeps (the oldest go first). */
export const MAX_MESSAGES = 200;
/** Only the newest messages keep their steps' payloads (the big part); older ones keep the step list. */
export const KEEP_STEP_PAYLOADS = 20;
/** What an older step's payload becomes, so the steps panel says why it is gone. */
export const DROPPED_PAYLOAD = "(payload dropped to save memory: only the newest messages keep them)";

/**
 * Bounds a conversation kept for the whole page session (in place, so it works on a $state array): at
 * most `max` messages, and step payloads only on the newest `keep`. A streaming answer is never touched.
 */
export function trimConversation(messages: Message[], max = MAX_MESSAGES, keep = KEEP_STEP_PAYLOADS): void {
  if (messages.length > max) messages.splice(0, messages.length - max);
  for (const message of messages.slice(0, Math.max(0, messages.length - keep))) {
    if (message.role !== "assistant" || message.status === "streaming") continue;
    for (const step of message.steps) if (step.payload !== DROPPED_PAYLOAD) step.payload = DROPPED_PAYLOAD;
  }
}
