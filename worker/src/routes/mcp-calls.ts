/**
 * Using external MCP servers through the hub: call a tool on one server, or
 * by name on whichever server offers it (failover), list and read a server's
 * resources. Answered by the workspace Durable Object; every call and read is
 * an event in the workspace log named by its correlation id (the request id).
 */
import {
  MCP_CALL_TIMEOUT_MS,
  McpFailoverCallBody,
  McpResourceList,
  McpResourceReadBody,
  McpResourceReadResult,
  McpServerIdParam,
  McpToolCallBody,
  McpToolCallResult,
  Problem,
} from "@att/shared";
import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppBindings } from "../env.ts";
import { needs } from "../http/roles.ts";
import { bearerSecurity, errorResponses, requestIdOf, unwrap, workspaceOf } from "./common.ts";

const TAG = "mcp-servers";
const BASE = "/api/v1/mcp";

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: Problem } },
});
const json = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { "application/json": { schema } },
});
const body = <T extends z.ZodType>(schema: T, example: unknown) => ({
  body: { required: true, content: { "application/json": { schema, example } } },
});

const FAILED = "The server failed (connection, timeout or JSON-RPC error); `details.attempts` says why.";

const callOn = createRoute({
  method: "post",
  path: `${BASE}/servers/{serverId}/tools/call`,
  ...needs("editor"),
  tags: [TAG],
  summary: "Call a tool on one registered MCP server",
  description:
    "The tool's answer is in `result` (content blocks as the server sent them; `isError` when the tool itself reported a failure). " +
    "The call is an `mcp.tool.called` event in the workspace log with `correlationId` (the request id).",
  operationId: "postMcpServersServerIdToolsCall",
  security: bearerSecurity,
  request: { params: McpServerIdParam, ...body(McpToolCallBody, { name: "echo", arguments: { text: "hi" } }) },
  responses: {
    200: json("The tool's answer", McpToolCallResult),
    404: problem("No MCP server with that id."),
    502: problem(FAILED),
    ...errorResponses,
  },
});

const callByName = createRoute({
  method: "post",
  path: `${BASE}/tools/call`,
  ...needs("editor"),
  tags: [TAG],
  summary: "Call a tool by name on whichever registered server offers it, failing over to the next",
  description:
    "Candidates are the servers whose last health check listed the tool (or `serverIds`): healthy first, then degraded, unknown, and unreachable last (or not at all with `skipUnreachable`). " +
    "A server that fails (connection, timeout, JSON-RPC error) is checked again soon and the next is tried; a tool's own `isError` answer is returned, not retried. " +
    "`attempts` lists every server tried and why each failed; the call is an `mcp.tool.called` event with `correlationId`.",
  operationId: "postMcpToolsCall",
  security: bearerSecurity,
  request: body(McpFailoverCallBody, { name: "echo", arguments: { text: "hi" } }),
  responses: {
    200: json("The answer of the first server that answered", McpToolCallResult),
    404: problem("No registered server offers a tool of that name."),
    502: problem(`Every candidate failed. ${FAILED}`),
    ...errorResponses,
  },
});

const TimeoutQuery = z.object({
  timeoutMs: z.coerce
    .number()
    .int()
    .min(100)
    .max(60_000)
    .default(MCP_CALL_TIMEOUT_MS)
    .openapi({ param: { name: "timeoutMs", in: "query" }, example: 10_000 }),
});

const resources = createRoute({
  method: "get",
  path: `${BASE}/servers/{serverId}/resources`,
  ...needs("viewer"),
  tags: [TAG],
  summary: "List a registered MCP server's resources and resource templates (asked live)",
  operationId: "getMcpServersServerIdResources",
  security: bearerSecurity,
  request: { params: McpServerIdParam, query: TimeoutQuery },
  responses: {
    200: json("The server's resources", McpResourceList),
    404: problem("No MCP server with that id."),
    502: problem("The server failed (connection, timeout or JSON-RPC error)."),
    ...errorResponses,
  },
});

const read = createRoute({
  method: "post",
  path: `${BASE}/servers/{serverId}/resources/read`,
  ...needs("viewer"),
  tags: [TAG],
  summary: "Read a resource of a registered MCP server",
  description: "The read is an `mcp.resource.read` event in the workspace log with `correlationId` (the request id).",
  operationId: "postMcpServersServerIdResourcesRead",
  security: bearerSecurity,
  request: { params: McpServerIdParam, ...body(McpResourceReadBody, { uri: "file:///README.md" }) },
  responses: {
    200: json("The resource's contents", McpResourceReadResult),
    404: problem("No MCP server with that id."),
    502: problem("The server failed (connection, timeout or JSON-RPC error)."),
    ...errorResponses,
  },
});

export function registerMcpCalls(app: OpenAPIHono<AppBindings>): void {
  app.openapi(callOn, async (c) => {
    const { serverId } = c.req.valid("param");
    return c.json(unwrap(await workspaceOf(c).callMcpTool(serverId, c.req.valid("json"), requestIdOf(c))), 200);
  });
  app.openapi(callByName, async (c) =>
    c.json(unwrap(await workspaceOf(c).callMcpToolByName(c.req.valid("json"), requestIdOf(c))), 200),
  );
  app.openapi(resources, async (c) => {
    const { serverId } = c.req.valid("param");
    const { timeoutMs } = c.req.valid("query");
    return c.json(unwrap(await workspaceOf(c).mcpResources(serverId, requestIdOf(c), timeoutMs)), 200);
  });
  app.openapi(read, async (c) => {
    const { serverId } = c.req.valid("param");
    return c.json(unwrap(await workspaceOf(c).readMcpResource(serverId, c.req.valid("json"), requestIdOf(c))), 200);
  });
}
