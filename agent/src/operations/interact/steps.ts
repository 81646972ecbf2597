/**
 * NAT's intermediate steps as ATT's IntermediateStep: from the raw records
 * of `/v1/workflow/full` (typed, timed, with token usage) and from the
 * WebSocket's `system_intermediate_message`s (markdown made by NAT's step
 * adaptor, whose type has to be read back from the name it gives).
 */
import { type IntermediateStep, isJson, type Json } from "@att/shared";
import { type FullStreamStep, StepPayload, type WsIntermediate } from "./nat-wire.ts";
import { parseJsonText } from "./upstream.ts";

function isoFromEpochSeconds(seconds: number | null | undefined): string | null {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return null;
  return new Date(seconds * 1000).toISOString();
}

/** NAT's WebSocket timestamps look like `2026-11-21 17:19:08.137012+00:00`. */
function isoFromNatTimestamp(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  const time = Date.parse(text.replace(" ", "T"));
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function asJson(value: unknown): Json {
  return isJson(value) ? value : String(value);
}

/** One `intermediate_data:` record; its payload (a JSON string) is kept parsed. */
export function fromFullStreamStep(record: FullStreamStep): IntermediateStep {
  const parsed =
    typeof record.payload === "string" ? parseJsonText(record.payload) : { ok: true, value: record.payload };
  const payloadValue = parsed.ok ? parsed.value : record.payload;
  const payload = StepPayload.safeParse(payloadValue);
  const fields = payload.success ? payload.data : null;
  const end = fields?.event_timestamp ?? null;
  const start = fields?.span_event_timestamp ?? null;
  // NAT puts a zeroed usage on start events; the counts arrive with the end.
  const usage = record.type.endsWith("_START") ? null : (fields?.usage_info?.token_usage ?? null);
  return {
    id: record.id,
    parentId: record.parent_id ?? null,
    type: record.type,
    name: record.name ?? null,
    at: isoFromEpochSeconds(end),
    durationMs: end !== null && start !== null && end >= start ? (end - start) * 1000 : null,
    tokens:
      usage === null
        ? null
        : { prompt: usage.prompt_tokens, completion: usage.completion_tokens, total: usage.total_tokens },
    payload: asJson({ ...record, payload: payloadValue }),
  };
}

/** Name prefixes NAT's step adaptor (nat/front_ends/fastapi/step_adaptor.py) gives each category. */
const FUNCTION_START = "Function Start: ";
const FUNCTION_END = "Function Complete: ";
const TOOL = "Tool: ";
const OUTPUT_MARK = "**Output:**";
const EVENT_TYPE_NAME = /^[A-Z]+(?:_[A-Z]+)+$/;

function wsTypeAndName(name: string, payload: string): { type: string; name: string | null } {
  const hasOutput = payload.includes(OUTPUT_MARK);
  if (name.startsWith(FUNCTION_START)) return { type: "FUNCTION_START", name: name.slice(FUNCTION_START.length) };
  if (name.startsWith(FUNCTION_END)) return { type: "FUNCTION_END", name: name.slice(FUNCTION_END.length) };
  if (name.startsWith(TOOL)) return { type: hasOutput ? "TOOL_END" : "TOOL_START", name: name.slice(TOOL.length) };
  // Custom steps are named after their event type, e.g. CUSTOM_START.
  if (EVENT_TYPE_NAME.test(name)) return { type: name, name: null };
  // LLM steps carry the model's name; the output appears with the first token or the end.
  return { type: hasOutput ? "LLM_END" : "LLM_START", name: name === "" ? null : name };
}

/** One `system_intermediate_message`; the whole message is kept as the payload. */
export function fromWebSocketStep(message: WsIntermediate, raw: unknown): IntermediateStep {
  const { type, name } = wsTypeAndName(message.content.name ?? "", message.content.payload ?? "");
  return {
    id: message.id ?? "",
    parentId: message.parent_id ?? null,
    type,
    name,
    at: isoFromNatTimestamp(message.timestamp),
    durationMs: null,
    tokens: null,
    payload: asJson(raw),
  };
}

/**
 * Adds a WebSocket step. NAT resends an LLM step with the same id as tokens
 * arrive (the UI replaces it in place); the newest version replaces the
 * older one so each call counts once.
 */
export function addWebSocketStep(steps: IntermediateStep[], step: IntermediateStep): void {
  const index = steps.findIndex((s) => s.id === step.id && s.type === step.type);
  if (index === -1) steps.push(step);
  else steps[index] = step;
}

/** `X_END` steps without NAT's own timing get the time since their `X_START` (same id). */
export function pairDurations(steps: readonly IntermediateStep[]): IntermediateStep[] {
  const starts = new Map<string, number>();
  return steps.map((step) => {
    const at = step.at === null ? Number.NaN : Date.parse(step.at);
    if (step.type.endsWith("_START") && !Number.isNaN(at)) {
      starts.set(`${step.type.slice(0, -"_START".length)}:${step.id}`, at);
      return step;
    }
    if (!step.type.endsWith("_END") || step.durationMs !== null || Number.isNaN(at)) return step;
    const start = starts.get(`${step.type.slice(0, -"_END".length)}:${step.id}`);
    return start === undefined || at < start ? step : { ...step, durationMs: at - start };
  });
}
