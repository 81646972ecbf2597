/** Project operations: list, get, templates, create, clone, zip import/export, delete. */
import type { PROJECT_METHODS } from "@att/shared";
import type { Operations } from "./context.ts";
import { exportProject, importProject } from "./projects/archive.ts";
import { cloneProject } from "./projects/clone.ts";
import { createProject, listTemplates } from "./projects/create.ts";
import { deleteProject } from "./projects/delete.ts";

export const projectOperations: Operations<keyof typeof PROJECT_METHODS> = {
  "projects.list": async (_params, { catalog }) => ({ projects: await catalog.list() }),
  "projects.get": async ({ projectId }, { catalog }) => ({ project: await catalog.get(projectId) }),
  "projects.templates": listTemplates,
  "projects.create": createProject,
  "projects.clone": cloneProject,
  "projects.import": importProject,
  "projects.export": exportProject,
  "projects.delete": deleteProject,
};
