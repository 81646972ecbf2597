/**
 * NAT's questions to a human (HITL) as ATT shows them, and the answer given
 * with runtime.respond turned into the text NAT expects back: the answer
 * itself for a text prompt, the chosen option's value for a choice.
 */
import type { ChatPrompt } from "@att/shared";
import { OperationError } from "../errors.ts";
import type { NatHumanPrompt } from "./nat-wire.ts";

/** Input types NAT goes on from without waiting for an answer, or (OAuth) waits for by another path. */
const NOT_ANSWERED = new Set(["notification", "oauth_consent"]);

/** Whether NAT waits for a `user_interaction_message` after this prompt. */
export function awaitsResponse(prompt: NatHumanPrompt, interactive: boolean): boolean {
  if (prompt.input_type === "notification") return false;
  return !(interactive && NOT_ANSWERED.has(prompt.input_type));
}

function optionValue(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value ?? null);
}

type ChatPromptOption = NonNullable<ChatPrompt["options"]>[number];

function normalizeOptions(prompt: NatHumanPrompt): ChatPromptOption[] | null {
  if (prompt.options === null || prompt.options === undefined) return null;
  return prompt.options.map((option, index) => {
    const value = optionValue(option.value);
    const normalized: ChatPromptOption = { id: option.id ?? String(index), label: option.label ?? value, value };
    if (typeof option.description === "string") normalized.description = option.description;
    return normalized;
  });
}

/** NAT's HumanPrompt in ATT's shape: camelCase, absent fields left out. */
export function normalizePrompt(prompt: NatHumanPrompt): ChatPrompt {
  const normalized: ChatPrompt = { text: prompt.text ?? "", inputType: prompt.input_type };
  const options = normalizeOptions(prompt);
  if (options !== null) normalized.options = options;
  if (typeof prompt.timeout === "number") normalized.timeoutSec = prompt.timeout;
  if (typeof prompt.placeholder === "string") normalized.placeholder = prompt.placeholder;
  if (typeof prompt.required === "boolean") normalized.required = prompt.required;
  if (typeof prompt.error === "string") normalized.error = prompt.error;
  return normalized;
}

function chosenValue(options: readonly ChatPromptOption[], answer: string): string {
  const match =
    options.find((option) => option.id === answer) ??
    options.find((option) => option.value === answer) ??
    options.find((option) => option.label === answer);
  if (match !== undefined) return match.value;
  const choices = options.map((option) => `${option.id} (${option.label})`).join(", ");
  throw new OperationError("bad_request", `'${answer}' is none of the prompt's options; choose one of: ${choices}`, {
    reason: "unknown_option",
    options: options.map((option) => ({ id: option.id, label: option.label, value: option.value })),
  });
}

/** The text sent to NAT for `response`, or bad_request when it does not fit the prompt. */
export function replyText(prompt: ChatPrompt, response: string | readonly string[]): string {
  const answers = typeof response === "string" ? [response] : [...response];
  const options = prompt.options ?? [];
  if (options.length === 0) {
    const [text] = answers;
    if (answers.length !== 1 || text === undefined)
      throw new OperationError("bad_request", `a ${prompt.inputType} prompt takes one answer as a string, not a list`);
    if (prompt.required !== false && text.trim() === "")
      throw new OperationError("bad_request", "the prompt requires an answer: send non-empty text");
    return text;
  }
  if (prompt.inputType !== "checkbox" && answers.length !== 1)
    throw new OperationError("bad_request", `a ${prompt.inputType} prompt takes exactly one option`);
  return answers.map((answer) => chosenValue(options, answer)).join(", ");
}
