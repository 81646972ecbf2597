/** WS /api/v1/agent/ws: where the local agent dials in, with its pairing token. */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import { ROLE_EXTENSION } from "../http/roles.ts";
import { PAIRING_HEADER } from "../workspace/upgrade.ts";
import { bearerSecurity, errorResponses, requestIdOf, workspace } from "./common.ts";

const route = createRoute({
  method: "get",
  path: "/api/v1/agent/ws",
  tags: ["agent"],
  summary: "Agent link (WebSocket)",
  description:
    "The local agent's WebSocket. Authenticated with an agent pairing token (ATT_AGENT_TOKEN locally, or one from POST /api/v1/agents), never a user token; the pairing decides the workspace. Frames are defined in @att/shared (frames.ts).",
  security: bearerSecurity,
  [ROLE_EXTENSION]: "agent",
  responses: { 101: { description: "Switching protocols" }, ...errorResponses },
});

export function registerAgent(app: OpenAPIHono<AppBindings>): void {
  app.openapi(route, async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError("bad_request", "this route needs a WebSocket upgrade (Upgrade: websocket)");
    }
    const headers = new Headers(c.req.raw.headers);
    headers.set("x-request-id", requestIdOf(c));
    const { workspaceId, pairingId } = c.get("agent");
    // Set here, after authentication; whatever a client sent under this name is replaced.
    headers.set(PAIRING_HEADER, pairingId ?? "");
    return workspace(c.env, workspaceId).fetch(new Request("https://workspace/agent", { headers }));
  });
}
