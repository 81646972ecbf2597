/** Builds ATT's MCP server (tools, resources, logging) for one session. */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerResources } from "./resources.ts";
import { type Invoke, type RoleOf, registerToolHandlers, type WorkspaceTools } from "./tool-handlers.ts";
import { ATT_TOOLS } from "./tools.ts";

export const MCP_SERVER_NAME = "att";

const INSTRUCTIONS =
  "ATT manages NeMo Agent Toolkit projects on the user's machine through a linked agent. " +
  "Start with att.project.list; most tools take a projectId. Failed calls return isError with a JSON " +
  "`error` carrying a stable `code` (agent_unavailable means no agent is linked).";

export function createAttServer(options: {
  version: string;
  invoke: Invoke;
  roleOf: RoleOf;
  own?: WorkspaceTools;
}): McpServer {
  const server = new McpServer(
    { name: MCP_SERVER_NAME, title: "ATT", version: options.version },
    { capabilities: { logging: {} }, instructions: INSTRUCTIONS },
  );
  registerToolHandlers(server.server, ATT_TOOLS, options.invoke, options.roleOf, options.own);
  registerResources(server, options.invoke);
  return server;
}
