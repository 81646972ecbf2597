/**
 * The hub on ATT's own MCP server: list the registered servers, call a tool
 * (on one server, or by name with failover), list and read resources. Thin
 * adapters over the workspace's RPC, exactly like the REST routes
 * (routes/mcp-servers.ts, routes/mcp-calls.ts); the correlation id of a call
 * is the MCP request's id.
 */
import {
  Id,
  MCP_CALL_TIMEOUT_MS,
  McpFailoverCallBody,
  McpResourceList,
  McpResourceReadBody,
  McpResourceReadResult,
  McpServerList,
  McpToolCallResult,
} from "@att/shared";
import { z } from "zod";
import { workspaceTool } from "../mcp/workspace-tool.ts";

const READ_REMOTE = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true } as const;

export const HUB_TOOLS = [
  workspaceTool({
    name: "att.mcp.servers",
    role: "viewer",
    title: "External MCP servers",
    description:
      "The external MCP servers registered with ATT's hub (Streamable HTTP, or stdio run by the agent): status (healthy, degraded, unreachable), last check, error, and the tools each offers.",
    annotations: { ...READ_REMOTE, openWorldHint: false },
    input: z.object({}),
    output: McpServerList,
    run: async (_args, { workspace }) => ({ ok: true, value: await workspace.mcpServers() }),
  }),
  workspaceTool({
    name: "att.mcp.call",
    role: "editor",
    title: "Call an external MCP tool",
    description:
      "Call a tool of the registered external MCP servers. With `serverId`, on that server; otherwise on whichever server offers the tool, healthy ones first, failing over to the next when one fails (connection, timeout, JSON-RPC error). The answer has the tool's result, the server that answered, and every server tried with why it failed.",
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    input: McpFailoverCallBody.extend({
      serverId: Id.optional().meta({ description: "Call on this server only (no failover)." }),
    }),
    output: McpToolCallResult,
    run: ({ serverId, ...body }, { workspace, requestId }) =>
      serverId === undefined
        ? workspace.callMcpToolByName(body, requestId)
        : workspace.callMcpTool(
            serverId,
            { name: body.name, arguments: body.arguments, timeoutMs: body.timeoutMs },
            requestId,
          ),
  }),
  workspaceTool({
    name: "att.mcp.resources",
    role: "viewer",
    title: "External MCP resources",
    description: "The resources and resource templates of one registered external MCP server, asked live.",
    annotations: READ_REMOTE,
    input: z.object({
      serverId: Id,
      timeoutMs: z.number().int().min(100).max(60_000).default(MCP_CALL_TIMEOUT_MS),
    }),
    output: McpResourceList,
    run: ({ serverId, timeoutMs }, { workspace, requestId }) => workspace.mcpResources(serverId, requestId, timeoutMs),
  }),
  workspaceTool({
    name: "att.mcp.read",
    role: "viewer",
    title: "Read an external MCP resource",
    description: "Read one resource (by URI) of a registered external MCP server.",
    annotations: READ_REMOTE,
    input: McpResourceReadBody.extend({ serverId: Id }),
    output: McpResourceReadResult,
    run: ({ serverId, ...body }, { workspace, requestId }) => workspace.readMcpResource(serverId, body, requestId),
  }),
];
