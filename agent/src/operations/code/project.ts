/** Finds a project by id and jails a path inside it: the first step of every code operation. */
import type { OperationContext } from "../context.ts";
import { type JailedPath, type JailMode, jailPath } from "../jail.ts";

export async function jailInProject(
  context: OperationContext,
  projectId: string,
  relative: string,
  options: JailMode = { mode: "read" },
): Promise<JailedPath> {
  const project = await context.catalog.get(projectId);
  return jailPath(project.path, relative, options);
}
