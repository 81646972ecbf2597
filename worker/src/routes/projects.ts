/** Projects, answered through the agent (it owns the files). */
import { ProjectsCloneParams, ProjectsCreateParams, ProjectsImportParams } from "@att/shared";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../env.ts";
import { operationRoute } from "./operation-route.ts";

const TAG = "projects";

export function registerProjects(app: OpenAPIHono<AppBindings>): void {
  operationRoute(app, {
    verb: "get",
    path: "/api/v1/projects",
    tag: TAG,
    summary: "List the agent's projects",
    operation: "projects.list",
    toParams: () => ({}),
  });
  operationRoute(app, {
    verb: "get",
    path: "/api/v1/templates",
    tag: TAG,
    summary: "List project templates (and whether each can be used on this agent)",
    operation: "projects.templates",
    toParams: () => ({}),
  });
  operationRoute(app, {
    verb: "post",
    path: "/api/v1/projects",
    tag: TAG,
    summary: "Create a project: empty, from a built-in NAT template, or with `nat workflow create`",
    operation: "projects.create",
    body: ProjectsCreateParams,
    bodyExample: { name: "support_bot", template: "chatbot", description: "Answers support questions" },
    status: 201,
    errors: [409, 412],
    toParams: ({ body }) => body,
  });
  operationRoute(app, {
    verb: "post",
    path: "/api/v1/projects/clone",
    tag: TAG,
    summary: "Clone a git repository as a new project (status `cloned`)",
    description:
      "Accepts https, ssh (`ssh://` or `git@host:path`), `file://` URLs and local paths. A failed clone leaves nothing behind.",
    operation: "projects.clone",
    body: ProjectsCloneParams,
    bodyExample: { url: "https://github.com/org/agent.git", name: "agent", ref: "main" },
    status: 201,
    errors: [404, 409],
    toParams: ({ body }) => body,
  });
  operationRoute(app, {
    verb: "post",
    path: "/api/v1/projects/download",
    tag: TAG,
    summary: "Create a project from a zip archive",
    description:
      "The archive is checked before anything is written: no absolute or `..` paths, no symlinks, bounded entry count and unpacked size. A single top-level folder is stripped.",
    operation: "projects.import",
    body: ProjectsImportParams,
    bodyExample: { name: "imported_app", archiveBase64: "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==" },
    status: 201,
    errors: [409, 413],
    toParams: ({ body }) => body,
  });
  operationRoute(app, {
    verb: "get",
    path: "/api/v1/projects/{id}",
    tag: TAG,
    summary: "Get one project",
    operation: "projects.get",
    errors: [404],
    toParams: ({ id }) => ({ projectId: id }),
  });
  operationRoute(app, {
    verb: "get",
    path: "/api/v1/projects/{id}/archive",
    tag: TAG,
    summary: "Export a project as a zip archive (tracked and untracked files, without .git or ignored files)",
    operation: "projects.export",
    errors: [404, 413],
    produces: { mediaType: "application/zip", description: "The zip archive" },
    toParams: ({ id }) => ({ projectId: id }),
    respond: (_c, result) =>
      new Response(
        Uint8Array.from(atob(result.archiveBase64), (ch) => ch.charCodeAt(0)),
        {
          headers: {
            "content-type": "application/zip",
            "content-disposition": "attachment",
            "x-att-files": String(result.files),
          },
        },
      ),
  });
  operationRoute(app, {
    verb: "delete",
    path: "/api/v1/projects/{id}",
    tag: TAG,
    summary: "Delete a project: stops its app if running, then removes its directory",
    operation: "projects.delete",
    errors: [404, 409],
    toParams: ({ id }) => ({ projectId: id }),
  });
}
