/** Projects, answered through the agent (it owns the files). */
import { ProjectIdParam, ProjectListResponse, ProjectResponse } from "@att/shared";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../env.ts";
import { agentErrorResponses, bearerSecurity, callAgent, notFoundResponse } from "./common.ts";

const list = createRoute({
  method: "get",
  path: "/api/v1/projects",
  tags: ["projects"],
  summary: "List the agent's projects",
  security: bearerSecurity,
  responses: {
    200: { description: "Projects", content: { "application/json": { schema: ProjectListResponse } } },
    ...agentErrorResponses,
  },
});

const get = createRoute({
  method: "get",
  path: "/api/v1/projects/{id}",
  tags: ["projects"],
  summary: "Get one project",
  security: bearerSecurity,
  request: { params: ProjectIdParam },
  responses: {
    200: { description: "The project", content: { "application/json": { schema: ProjectResponse } } },
    ...notFoundResponse,
    ...agentErrorResponses,
  },
});

export function registerProjects(app: OpenAPIHono<AppBindings>): void {
  app.openapi(list, async (c) => {
    return c.json(await callAgent(c, "projects.list", {}), 200);
  });
  app.openapi(get, async (c) => {
    const { id } = c.req.valid("param");
    return c.json(await callAgent(c, "projects.get", { projectId: id }), 200);
  });
}
