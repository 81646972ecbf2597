/**
 * GET /api/v1/health: liveness, version and whether the local (default
 * workspace's) agent is linked. No token needed: the launcher and `npm start`
 * wait on it. Other workspaces' agents are not reported here.
 */
import { HealthResponse, PROTOCOL_VERSION } from "@att/shared";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { DEFAULT_WORKSPACE_ID } from "../accounts/directory.ts";
import type { AppBindings } from "../env.ts";
import { ROLE_EXTENSION } from "../http/roles.ts";
import { workspace } from "./common.ts";

const route = createRoute({
  method: "get",
  path: "/api/v1/health",
  tags: ["system"],
  summary: "Health of the control plane and its agent link",
  security: [],
  [ROLE_EXTENSION]: "public",
  responses: { 200: { description: "Healthy", content: { "application/json": { schema: HealthResponse } } } },
});

export function registerHealth(app: OpenAPIHono<AppBindings>): void {
  app.openapi(route, async (c) => {
    const agent = await workspace(c.env, DEFAULT_WORKSPACE_ID).health();
    const build = c.env.ATT_BUILD === undefined || c.env.ATT_BUILD === "" ? null : c.env.ATT_BUILD;
    return c.json(
      { status: "ok" as const, version: c.env.ATT_VERSION, build, protocolVersion: PROTOCOL_VERSION, agent },
      200,
    );
  });
}
