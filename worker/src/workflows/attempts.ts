/**
 * How a step's attempts are paced: their time limits, the backoff between
 * them, which actions send something and wait, and how errors appear in events.
 */
import { METHOD_TIMEOUT_MS, type StepAction, type WireError, type WorkflowStepSpec } from "@att/shared";
import { summarize } from "./data.ts";

/** Beyond the link's own timer, how long the alarm waits before it declares an attempt timed out. */
const ALARM_MARGIN_MS = 5000;

/** An attempt's limit: the step's own, else the operation's default with a margin over the link's timer. */
export function attemptLimit(spec: WorkflowStepSpec): number {
  if (spec.timeoutMs !== undefined) return spec.timeoutMs;
  const fallback = spec.action.type === "call" ? (METHOD_TIMEOUT_MS[spec.action.method] ?? 0) : MCP_TOOL_TIMEOUT_MS;
  return Math.max(DEFAULT_CALL_TIMEOUT_MS, fallback) + ALARM_MARGIN_MS;
}

type CallAction = Extract<StepAction, { type: "call" | "tool" }>;
/** Steps that send something and wait for its answer: an agent operation or a hub tool. */
export const isCall = (action: StepAction): action is CallAction => action.type === "call" || action.type === "tool";

/** The hub bounds a tool call by its own timeout and tries servers in turn; the alarm allows for that. */
const MCP_TOOL_TIMEOUT_MS = 10 * 60_000;

const DEFAULT_CALL_TIMEOUT_MS = 30_000;

export const optionalTimeout = (spec: WorkflowStepSpec): { timeoutMs?: number } =>
  spec.timeoutMs === undefined ? {} : { timeoutMs: spec.timeoutMs };

/** An error as events carry it: its details cut to the event budget (the step row keeps them whole). */
export function forEvent(error: WireError): WireError {
  const details = summarize(error.details);
  return details === undefined ? { code: error.code, message: error.message } : { ...error, details };
}

/** start · factor^(n-1), at most `cap`. */
export function growing(start: number, factor: number, cap: number, attempt: number): number {
  return Math.min(cap, Math.round(start * factor ** Math.max(0, attempt - 1)));
}
