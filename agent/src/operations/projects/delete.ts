/** projects.delete: stop the project's app, then remove its folder and its record. */
import { emitEvent, type Operation } from "../context.ts";
import { removeDirectory } from "./staging.ts";

export const deleteProject: Operation<"projects.delete"> = async ({ projectId }, context) => {
  const { catalog } = context;
  const project = await catalog.get(projectId);
  await catalog.stopApp(project.id);
  await removeDirectory(catalog.root, project.path);
  catalog.remove(project.id);
  emitEvent(context, { projectId: project.id, type: "project.deleted", payload: { name: project.name } });
  return { deleted: project };
};
