/** Which release is live: the one the project's managed app runs while it answers its health checks. */
import type { OperationContext } from "../context.ts";
import type { LaunchSpec } from "../runtime/control.ts";
import { findRelease, type StoredRelease } from "./store.ts";

export interface LiveRelease {
  stored: StoredRelease;
  /** How it was started, to start it again the same way; null when the runtime no longer knows. */
  spec: LaunchSpec | null;
}

export function liveRelease(context: OperationContext, projectId: string): LiveRelease | null {
  const status = context.runtime.status(projectId);
  if (status.state !== "running" || status.releaseId === null) return null;
  const stored = findRelease(context.db, projectId, status.releaseId);
  if (stored === null) return null;
  const spec = context.runtime.lastSpec(projectId);
  return { stored, spec: spec?.releaseId === stored.release.id ? spec : null };
}
