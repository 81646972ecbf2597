/**
 * The MCP client hub's registry of external MCP servers: Streamable HTTP
 * servers the workspace Durable Object (worker/src/hub) reaches itself, and
 * stdio servers the linked agent runs. Header and env values are stored but
 * only ever returned masked. Calls and reads are in mcp-calls.ts.
 */
import { McpServer, McpServerCreate, McpServerIdParam, McpServerList, Problem } from "@att/shared";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../env.ts";
import { needs } from "../http/roles.ts";
import { bearerSecurity, errorResponses, requestIdOf, unwrap, workspaceOf } from "./common.ts";

const TAG = "mcp-servers";
const BASE = "/api/v1/mcp/servers";

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: Problem } },
});
const notFound = { 404: problem("No MCP server with that id.") } as const;
const server = (description: string) => ({ description, content: { "application/json": { schema: McpServer } } });

const list = createRoute({
  method: "get",
  path: BASE,
  ...needs("viewer"),
  tags: [TAG],
  summary: "List the workspace's external MCP servers with their last health check",
  operationId: "getMcpServers",
  security: bearerSecurity,
  responses: {
    200: { description: "The registered servers", content: { "application/json": { schema: McpServerList } } },
    ...errorResponses,
  },
});

const add = createRoute({
  method: "post",
  path: BASE,
  ...needs("editor"),
  tags: [TAG],
  summary: "Register an external MCP server (Streamable HTTP or stdio) and check it at once",
  description:
    "A Streamable HTTP server: `url` (http(s), no credentials in it) and optional `headers` (e.g. `Authorization`). " +
    "A stdio server: `transport: stdio` with `command`, `args` and `env`; the linked agent starts it (no shell, its own process group, in its projects directory) and keeps it running while it is used. " +
    "Like the terminal it is not a sandbox: the command runs as the agent's OS user. " +
    "Header and env values are stored and only ever returned masked. The answer carries the first health check's result; a failed check does not refuse the registration. " +
    "Afterwards the server is checked on a schedule (ATT_MCP_CHECK_INTERVAL_MS, 60 s by default; after a failure again in 1, 2, 4, then every 8 s): " +
    "one failure makes it `degraded`, four in a row `unreachable`, one success `healthy` again; each change is an `mcp.server.status` event in the workspace log.",
  operationId: "postMcpServers",
  security: bearerSecurity,
  request: {
    body: {
      required: true,
      content: {
        "application/json": {
          schema: McpServerCreate,
          examples: {
            http: {
              summary: "Streamable HTTP",
              value: {
                name: "github",
                url: "https://mcp.example.com/mcp",
                headers: { Authorization: "Bearer <token>" },
              },
            },
            stdio: {
              summary: "stdio, run by the agent",
              value: {
                name: "everything",
                transport: "stdio",
                command: "npx",
                args: ["-y", "@modelcontextprotocol/server-everything"],
                env: { API_KEY: "<secret>" },
              },
            },
          },
        },
      },
    },
  },
  responses: {
    201: server("The registered server with its first health check"),
    409: problem("A server with that name is registered already, or the workspace has the maximum (50)."),
    ...errorResponses,
  },
});

const remove = createRoute({
  method: "delete",
  path: `${BASE}/{serverId}`,
  ...needs("editor"),
  tags: [TAG],
  summary: "Unregister an external MCP server",
  operationId: "deleteMcpServersServerId",
  security: bearerSecurity,
  request: { params: McpServerIdParam },
  responses: { 204: { description: "Unregistered" }, ...notFound, ...errorResponses },
});

const check = createRoute({
  method: "post",
  path: `${BASE}/{serverId}/check`,
  ...needs("editor"),
  tags: [TAG],
  summary: "Check an external MCP server now: initialize, list tools and resources (10 s at most)",
  description: "Counts like a scheduled check (a failure makes the server degraded) and reschedules the next one.",
  operationId: "postMcpServersServerIdCheck",
  security: bearerSecurity,
  request: { params: McpServerIdParam },
  responses: { 200: server("The server with fresh health"), ...notFound, ...errorResponses },
});

export function registerMcpServers(app: OpenAPIHono<AppBindings>): void {
  app.openapi(list, async (c) => c.json(await workspaceOf(c).mcpServers(), 200));
  app.openapi(add, async (c) =>
    c.json(unwrap(await workspaceOf(c).addMcpServer(c.req.valid("json"), requestIdOf(c))), 201),
  );
  app.openapi(remove, async (c) => {
    unwrap(await workspaceOf(c).removeMcpServer(c.req.valid("param").serverId, requestIdOf(c)));
    return c.body(null, 204);
  });
  app.openapi(check, async (c) =>
    c.json(unwrap(await workspaceOf(c).checkMcpServer(c.req.valid("param").serverId, requestIdOf(c))), 200),
  );
}
