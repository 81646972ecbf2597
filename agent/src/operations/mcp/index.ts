/**
 * The agent's side of ATT's MCP client hub: stdio MCP servers run on this
 * machine for the control plane, which sends each server's configuration
 * with every request (the agent stores none of it). One StdioPool serves the
 * agent's lifetime; `stopMcpServers` ends every server when the agent stops.
 */
import {
  listServerResources,
  type McpStdioCheckResult,
  probeServer,
  toResourceContents,
  toToolResult,
} from "@att/shared";
import { AGENT_VERSION } from "../../capabilities.ts";
import type { OperationContext, Operations } from "../context.ts";
import { sdkCalls } from "./calls.ts";
import { StdioPool } from "./pool.ts";

let pool: StdioPool | null = null;

/** Servers run in the projects root: a stable directory the agent owns. */
function poolFor(context: OperationContext): StdioPool {
  pool ??= new StdioPool({ cwd: context.config.projectsDir, clientVersion: AGENT_VERSION });
  return pool;
}

/** Ends every stdio server (their whole process groups). */
export async function stopMcpServers(): Promise<void> {
  const running = pool;
  pool = null;
  await running?.closeAll();
}

type McpMethod = "mcp.stdio.check" | "mcp.stdio.call" | "mcp.stdio.resources" | "mcp.stdio.read" | "mcp.stdio.close";

export const mcpOperations: Operations<McpMethod> = {
  "mcp.stdio.check": ({ serverId, config, timeoutMs }, context) => {
    const started = Date.now();
    return poolFor(context).use({
      serverId,
      config,
      timeoutMs,
      restartOnFailure: true,
      work: async ({ client, transport }): Promise<McpStdioCheckResult> => {
        const probe = await probeServer(sdkCalls(client, { timeout: timeoutMs }), {
          serverInfo: client.getServerVersion(),
          protocolVersion: transport.protocolVersion ?? undefined,
          capabilities: client.getServerCapabilities(),
        });
        return { ...probe, latencyMs: Date.now() - started, pid: transport.pid };
      },
    });
  },

  "mcp.stdio.call": ({ serverId, config, name, arguments: args, timeoutMs }, context) =>
    poolFor(context).use({
      serverId,
      config,
      timeoutMs,
      work: async ({ client }) => toToolResult(await sdkCalls(client, { timeout: timeoutMs }).callTool(name, args)),
    }),

  "mcp.stdio.resources": ({ serverId, config, timeoutMs }, context) =>
    poolFor(context).use({
      serverId,
      config,
      timeoutMs,
      work: ({ client }) => listServerResources(sdkCalls(client, { timeout: timeoutMs })),
    }),

  "mcp.stdio.read": ({ serverId, config, uri, timeoutMs }, context) =>
    poolFor(context).use({
      serverId,
      config,
      timeoutMs,
      work: async ({ client }) => ({
        contents: toResourceContents(await sdkCalls(client, { timeout: timeoutMs }).readResource(uri)),
      }),
    }),

  "mcp.stdio.close": async ({ serverId }, context) => ({ closed: await poolFor(context).close(serverId) }),
};
