/** Project operations: list, get, templates, create, clone, zip import/export, delete. */
import type { PROJECT_METHODS } from "@att/shared";
import type { Operations } from "./context.ts";
import { notBuiltYet } from "./errors.ts";

export const projectOperations: Operations<keyof typeof PROJECT_METHODS> = {
  "projects.list": async (_params, { catalog }) => ({ projects: await catalog.list() }),
  "projects.get": async ({ projectId }, { catalog }) => ({ project: await catalog.get(projectId) }),
  "projects.templates": notBuiltYet,
  "projects.create": notBuiltYet,
  "projects.clone": notBuiltYet,
  "projects.import": notBuiltYet,
  "projects.export": notBuiltYet,
  "projects.delete": notBuiltYet,
};
