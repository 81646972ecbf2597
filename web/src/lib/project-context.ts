/**
 * The project pages share one loaded project and one live event stream, so
 * switching tabs neither refetches nor reconnects.
 */
import { getContext, setContext } from "svelte";
import type { Schemas } from "./api/client";
import type { ProjectEvents } from "./events.svelte";

export interface ProjectContext {
  readonly project: Schemas["Project"];
  readonly events: ProjectEvents;
  /** Reloads the project record (after a change that updates its status). */
  reload(): Promise<void>;
}

const KEY = Symbol("project");

export function setProjectContext(context: ProjectContext): void {
  setContext(KEY, context);
}

export function projectContext(): ProjectContext {
  const context = getContext<ProjectContext | undefined>(KEY);
  if (context === undefined) throw new Error("projectContext() used outside /projects/[id]");
  return context;
}
