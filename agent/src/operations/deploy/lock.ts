/**
 * One build and one deploy per project at a time: a second one while the
 * first runs is a conflict, never queued behind it (a deploy can take
 * minutes while NAT starts, and the caller should know).
 */
import { OperationError } from "../errors.ts";

export type DeployTask = "build" | "deploy";

const busy = new Set<string>();

const key = (task: DeployTask, projectId: string): string => `${task}:${projectId}`;

/** Whether a task of this kind runs for the project in this agent process. */
export function isBusy(task: DeployTask, projectId: string): boolean {
  return busy.has(key(task, projectId));
}

/** Runs `work` holding the project's lock for `task`; a conflict when it is held. */
export async function exclusively<T>(task: DeployTask, projectId: string, work: () => Promise<T>): Promise<T> {
  const held = key(task, projectId);
  if (busy.has(held)) {
    throw new OperationError("conflict", `a ${task} of this project is already in progress; try again when it ends`, {
      reason: `${task}_in_progress`,
    });
  }
  busy.add(held);
  try {
    return await work();
  } finally {
    busy.delete(held);
  }
}
