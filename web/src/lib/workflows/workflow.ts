/**
 * The Workflows view's logic: which workflow an event is about, the list kept
 * newest first, the words for kinds and waits, the countdown to a step's next
 * attempt, approval prompts (the step record has none: its `waiting` event
 * carries it) and step results as bounded JSON text.
 */
import type { Schemas } from "../api/client.ts";
import { duration } from "../format.ts";
import { isRecord, str } from "../payload.ts";

export type Workflow = Schemas["Workflow"];
export type WorkflowStep = Schemas["WorkflowStep"];
export type WorkflowStatus = Schemas["WorkflowStatus"];
type StoredEvent = Schemas["Event"];

/** Results longer than this are cut in the timeline (a test run or a diff can be large). */
export const MAX_RESULT_CHARS = 20_000;

const KIND_LABELS: Readonly<Record<string, string>> = { "self.change": "Self change", custom: "Custom" };

/** "Self change" for `self.change`, "Custom" for `custom`, else the kind as the server named it. */
export function kindLabel(kind: string): string {
  return KIND_LABELS[kind] ?? kind;
}

/** Queued or running: it can still change, and be cancelled. */
export function isActive(status: WorkflowStatus): boolean {
  return status === "queued" || status === "running";
}

/** The workflow a `workflow.*` event is about, or null for any other event. */
export function workflowIdOf(event: StoredEvent): string | null {
  if (!event.type.startsWith("workflow.")) return null;
  return str(event.payload.workflowId);
}

/** Newest first by creation time (ids break ties, so the order is stable). */
export function byNewest(a: Workflow, b: Workflow): number {
  return b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
}

/** The list with `workflow` added or replaced, newest first, at most `limit` long. */
export function upsertWorkflow(list: readonly Workflow[], workflow: Workflow, limit = 50): Workflow[] {
  return [...list.filter((w) => w.id !== workflow.id), workflow].sort(byNewest).slice(0, limit);
}

const WAITING_WORDS: Readonly<Record<NonNullable<WorkflowStep["waitingFor"]>, string>> = {
  retry: "retries",
  poll: "polls again",
  approval: "waits for your decision",
  delay: "resumes",
};

/** Milliseconds until `iso`, never negative; null without a time. */
export function msUntil(iso: string | null, now: number): number | null {
  if (iso === null) return null;
  const at = Date.parse(iso);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/**
 * What a step is waiting for, with the countdown when it has one:
 * "retries in 4.0 s", "polls again in 1 min 5 s", "times out in 30.0 s"
 * (a running step's `nextAt` is its attempt's deadline), "waits for your decision".
 */
export function waitText(step: WorkflowStep, now: number): string | null {
  const left = msUntil(step.nextAt, now);
  if (step.status === "running") return left === null ? null : `times out in ${countdown(left)}`;
  if (step.status !== "waiting" || step.waitingFor === null) return null;
  const words = WAITING_WORDS[step.waitingFor];
  return left === null ? words : `${words} in ${countdown(left)}`;
}

function countdown(ms: number): string {
  return ms < 1000 ? "a moment" : duration(Math.ceil(ms / 1000) * 1000);
}

/** The step that waits for a human, if any (the first, in step order). */
export function pendingApproval(workflow: Workflow): WorkflowStep | null {
  return workflow.steps.find((step) => step.status === "waiting" && step.waitingFor === "approval") ?? null;
}

export const promptKey = (workflowId: string, stepId: string) => `${workflowId}/${stepId}`;

/** The approval prompt a `workflow.step.waiting` event carries, keyed by workflow and step. */
export function promptOf(event: StoredEvent): { key: string; prompt: string } | null {
  if (event.type !== "workflow.step.waiting") return null;
  const workflowId = str(event.payload.workflowId);
  const stepId = str(event.payload.stepId);
  const inputs = event.payload.inputs;
  const prompt = isRecord(inputs) ? str(inputs.prompt) : null;
  if (workflowId === null || stepId === null || prompt === null) return null;
  return { key: promptKey(workflowId, stepId), prompt };
}

/** Why a step was skipped (the engine records `{ reason }` as its result), or null. */
export function skipReason(step: WorkflowStep): string | null {
  if (step.status !== "skipped" || !isRecord(step.result)) return null;
  return str(step.result.reason);
}

export interface ResultText {
  text: string;
  /** Characters of the whole JSON text; more than `text` has when truncated. */
  total: number;
  truncated: boolean;
}

/** A result as indented JSON, cut at `max` characters. */
export function resultText(value: unknown, max = MAX_RESULT_CHARS): ResultText {
  const whole = JSON.stringify(value, null, 2) ?? "null";
  if (whole.length <= max) return { text: whole, total: whole.length, truncated: false };
  return { text: whole.slice(0, max), total: whole.length, truncated: true };
}

/** How long the workflow took, or has been going: null before it started. */
export function elapsedMs(workflow: Workflow, now: number): number | null {
  if (workflow.durationMs !== null) return workflow.durationMs;
  if (workflow.startedAt === null) return null;
  const end = workflow.finishedAt === null ? now : Date.parse(workflow.finishedAt);
  return Math.max(0, end - Date.parse(workflow.startedAt));
}

/** "3 of 12 steps done" (succeeded or skipped). */
export function progressText(workflow: Workflow): string {
  const done = workflow.steps.filter((step) => step.status === "succeeded" || step.status === "skipped").length;
  return `${done} of ${workflow.steps.length} steps done`;
}
