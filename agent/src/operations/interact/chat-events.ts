/**
 * The runtime.chat.* events of one exchange on the project's event log. NAT
 * sends an answer in many small chunks and resends a step as it progresses;
 * both are gathered for ~50 ms and sent as few events, in the order they
 * arrived, so a long answer is not thousands of events. A prompt or the end
 * sends what is gathered first.
 */
import type { EventType, IntermediateStep, Json } from "@att/shared";
import { emitEvent, type OperationContext } from "../context.ts";

export const CHAT_BATCH_MS = 50;
/** Longer strings in a step's payload are cut short: the full step is in the result and the trace. */
export const MAX_STEP_STRING_CHARS = 2000;

type Pending = { kind: "text"; text: string } | { kind: "step"; key: string; step: IntermediateStep };

function trimJson(value: Json): Json {
  if (typeof value === "string")
    return value.length <= MAX_STEP_STRING_CHARS
      ? value
      : `${value.slice(0, MAX_STEP_STRING_CHARS)}… (${value.length} characters)`;
  if (Array.isArray(value)) return value.map(trimJson);
  if (value !== null && typeof value === "object") {
    const trimmed: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) trimmed[key] = trimJson(item);
    return trimmed;
  }
  return value;
}

/** The step as a runtime.chat.step event carries it: long strings of its payload cut short. */
export function trimStep(step: IntermediateStep): IntermediateStep {
  return { ...step, payload: trimJson(step.payload) };
}

export class ChatEvents {
  readonly #context: OperationContext;
  readonly #projectId: string;
  readonly exchangeId: string;
  #pending: Pending[] = [];
  #timer: NodeJS.Timeout | null = null;
  #deltas = 0;

  constructor(options: { context: OperationContext; projectId: string; exchangeId: string }) {
    this.#context = options.context;
    this.#projectId = options.projectId;
    this.exchangeId = options.exchangeId;
  }

  text(chunk: string): void {
    if (chunk === "") return;
    const last = this.#pending.at(-1);
    if (last?.kind === "text") last.text += chunk;
    else this.#pending.push({ kind: "text", text: chunk });
    this.#schedule();
  }

  /** A newer version of a step still waiting replaces it. */
  step(step: IntermediateStep): void {
    const key = `${step.type}\u0000${step.id}`;
    const index = this.#pending.findIndex((item) => item.kind === "step" && item.key === key);
    const item: Pending = { kind: "step", key, step: trimStep(step) };
    if (index === -1) this.#pending.push(item);
    else this.#pending[index] = item;
    this.#schedule();
  }

  /** Sends what is gathered, then this event. */
  emit(type: EventType, payload: { [key: string]: Json }): void {
    this.flush();
    this.#send(type, payload);
  }

  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    const pending = this.#pending;
    this.#pending = [];
    for (const item of pending) {
      if (item.kind === "text")
        this.#send("runtime.chat.delta", { exchangeId: this.exchangeId, index: this.#deltas++, text: item.text });
      else this.#send("runtime.chat.step", { exchangeId: this.exchangeId, step: item.step });
    }
  }

  #schedule(): void {
    if (this.#timer === null) this.#timer = setTimeout(() => this.flush(), CHAT_BATCH_MS);
  }

  #send(type: EventType, payload: { [key: string]: Json }): void {
    emitEvent(this.#context, { projectId: this.#projectId, type, payload });
  }
}
