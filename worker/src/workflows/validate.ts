/**
 * Checks a workflow definition before it is stored: what the schema cannot
 * say (ids, dependencies, which results a step may refer to).
 */
import type { WorkflowCreate } from "@att/shared";
import { references } from "./data.ts";

/**
 * Step ids unique, dependencies on earlier steps only (so no cycles), and
 * references only to steps that certainly ended before (ancestors), so a
 * step never reads a sibling that may not have run yet.
 */
export function validate(create: WorkflowCreate): string | null {
  const ancestors = new Map<string, Set<string>>();
  let previous: string | undefined;
  for (const spec of create.steps) {
    if (ancestors.has(spec.id)) return `step id '${spec.id}' is used twice`;
    const deps = spec.after ?? (previous === undefined ? [] : [previous]);
    const before = new Set<string>();
    for (const dep of deps) {
      const theirs = ancestors.get(dep);
      if (theirs === undefined) return `step '${spec.id}' runs after '${dep}', which is not an earlier step`;
      before.add(dep);
      for (const id of theirs) before.add(id);
    }
    if (spec.poll !== undefined && spec.action.type !== "call" && spec.action.type !== "tool")
      return `step '${spec.id}': only a call or a tool can poll`;
    const paths = [
      ...(spec.action.type === "call" ? references(spec.action.params) : []),
      ...(spec.action.type === "tool" ? references(spec.action.arguments) : []),
      ...(spec.action.type === "fail" && spec.action.details !== undefined ? references(spec.action.details) : []),
      ...spec.if.map((c) => c.path),
    ];
    for (const path of paths) {
      const [root, stepId] = path.split(".");
      if (root === "steps" && (stepId === undefined || !before.has(stepId))) {
        return `step '${spec.id}' refers to ${path}, but '${stepId ?? ""}' is not a step it runs after`;
      }
      if (root !== "steps" && root !== "input" && root !== "workflow") {
        return `step '${spec.id}' refers to ${path}: references start with input., steps. or workflow.`;
      }
    }
    ancestors.set(spec.id, before);
    previous = spec.id;
  }
  return null;
}
