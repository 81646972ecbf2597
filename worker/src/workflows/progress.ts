/** What a workflow's step rows say: which failed first, what steps may read, and why a poll stopped. */
import type { Json, WireError, WorkflowStepSpec } from "@att/shared";
import { lookup, type Scope } from "./data.ts";
import { inputOf, parseJson, type StepRow, type WorkflowRow } from "./store.ts";

export function indexSteps(steps: StepRow[]): Map<string, StepRow> {
  return new Map(steps.map((step) => [step.stepId, step]));
}

export function isFailing(specs: WorkflowStepSpec[], steps: Map<string, StepRow>): boolean {
  return firstFailure(specs, steps) !== null;
}

export function firstFailure(specs: WorkflowStepSpec[], steps: Map<string, StepRow>): WireError | null {
  for (const spec of specs) {
    const step = steps.get(spec.id);
    if (step?.status !== "failed" || spec.continueOnError) continue;
    const error = parseJson<WireError>(step.error) ?? { code: "internal", message: "failed" };
    return { ...error, message: `step '${spec.id}' failed: ${error.message}`, details: error.details ?? null };
  }
  return null;
}

export function scopeOf(row: WorkflowRow, steps: Map<string, StepRow>): Scope {
  const view: { [id: string]: Json } = {};
  for (const [id, step] of steps) {
    view[id] = { status: step.status, attempt: step.attempt, result: parseJson<Json>(step.result) };
  }
  return { input: inputOf(row), steps: view, workflow: { id: row.id, name: row.name } };
}

export function describeConditions(conditions: WorkflowStepSpec["if"], scope: Scope): string {
  return conditions
    .map((c) => {
      const value = JSON.stringify(lookup(scope, c.path) ?? null);
      return `${c.path} is ${value} (${c.op} ${c.value === undefined ? "" : JSON.stringify(c.value)})`.trim();
    })
    .join("; ");
}
