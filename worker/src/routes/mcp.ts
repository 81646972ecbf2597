/**
 * ATT's remote MCP server (Streamable HTTP) at /mcp, the test-only
 * conformance fixtures at /mcp/conformance, and a description of the server
 * at GET /api/v1/mcp/.well-known. Authentication is the app's bearer-token
 * middleware; DNS-rebinding protection runs here. Each session lives in its
 * own Durable Object (see mcp/session.ts for why).
 */
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppBindings } from "../env.ts";
import { needs } from "../http/roles.ts";
import { describeMcp, MCP_PATH, McpDescriptor } from "../mcp/descriptor.ts";
import { rejectRebinding } from "../mcp/origin-guard.ts";
import {
  CALLER_HEADER,
  type McpCaller,
  NEW_SESSION_HEADER,
  SESSION_KIND_HEADER,
  type SessionKind,
  sessionNotFound,
} from "../mcp/session.ts";
import { bearerSecurity, errorResponses } from "./common.ts";

export const MCP_CONFORMANCE_PATH = "/mcp/conformance";

/** Session ids ATT hands out are UUIDs; anything else cannot name a live session. */
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const wellKnown = createRoute({
  method: "get",
  path: "/api/v1/mcp/.well-known",
  ...needs("viewer"),
  tags: ["mcp"],
  summary: "Describe ATT's MCP server: endpoint, transport, auth, tools and resources",
  security: bearerSecurity,
  responses: {
    200: { description: "The MCP server's description", content: { "application/json": { schema: McpDescriptor } } },
    401: errorResponses[401],
  },
});

/** Sends the request to its session's Durable Object; a request without a session id may start one. */
function forward(c: Context<AppBindings>, kind: SessionKind): Promise<Response> | Response {
  const headers = new Headers(c.req.raw.headers);
  // Only this route speaks for the caller: drop every internal header a client may have sent.
  for (const name of [...headers.keys()]) if (name.startsWith("x-att-")) headers.delete(name);
  const { userId, workspaceId, role } = c.get("principal");
  const caller: McpCaller = { userId, workspaceId, role };
  headers.set(CALLER_HEADER, JSON.stringify(caller));
  headers.set(SESSION_KIND_HEADER, kind);
  headers.set("x-request-id", c.get("requestId"));
  let sessionId = c.req.header("mcp-session-id");
  if (sessionId === undefined) {
    sessionId = crypto.randomUUID();
    headers.set(NEW_SESSION_HEADER, sessionId);
  } else if (!SESSION_ID.test(sessionId)) {
    return sessionNotFound();
  }
  const namespace = c.env.MCP_SESSION;
  const stub = namespace.get(namespace.idFromName(`${kind}:${sessionId}`));
  return stub.fetch(new Request(c.req.raw, { headers }));
}

export function registerMcp(app: OpenAPIHono<AppBindings>): void {
  app.use(MCP_PATH, rejectRebinding());
  app.use(MCP_CONFORMANCE_PATH, rejectRebinding());
  app.all(MCP_PATH, (c) => forward(c, "att"));
  app.all(MCP_CONFORMANCE_PATH, (c) => (c.env.ATT_MCP_CONFORMANCE === "1" ? forward(c, "conformance") : c.notFound()));
  app.openapi(wellKnown, (c) =>
    c.json(describeMcp({ origin: new URL(c.req.url).origin, version: c.env.ATT_VERSION }), 200),
  );
}
