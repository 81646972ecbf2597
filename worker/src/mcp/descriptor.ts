/**
 * What `GET /api/v1/mcp/.well-known` answers: enough for a client (or a
 * human) to configure ATT as a remote MCP server. Built from the same tool
 * and resource tables the server uses.
 */
import { LATEST_PROTOCOL_VERSION } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { MCP_SERVER_NAME } from "./att-server.ts";
import { OWN_TOOLS } from "./own-tools.ts";
import { ATT_RESOURCES } from "./resources.ts";
import { ATT_TOOLS } from "./tools.ts";

export const MCP_PATH = "/mcp";

export const McpDescriptor = z
  .object({
    name: z.string(),
    version: z.string(),
    protocolVersion: z.string().meta({ description: "The MCP protocol revision the server speaks." }),
    endpoint: z.string().meta({ description: "Absolute URL of the Streamable HTTP endpoint." }),
    transport: z.literal("streamable-http"),
    sessions: z.literal("mcp-session-id").meta({ description: "Sessions are kept per Mcp-Session-Id." }),
    auth: z.object({
      scheme: z.literal("bearer"),
      header: z.literal("Authorization"),
      description: z.string(),
    }),
    tools: z.array(z.object({ name: z.string(), title: z.string(), description: z.string() })),
    resources: z.array(
      z.object({ uri: z.string(), name: z.string(), title: z.string(), mimeType: z.string(), template: z.boolean() }),
    ),
  })
  .meta({ id: "McpDescriptor", description: "How to reach and use ATT's MCP server." });
export type McpDescriptor = z.infer<typeof McpDescriptor>;

export function describeMcp(options: { origin: string; version: string }): McpDescriptor {
  return {
    name: MCP_SERVER_NAME,
    version: options.version,
    protocolVersion: LATEST_PROTOCOL_VERSION,
    endpoint: `${options.origin}${MCP_PATH}`,
    transport: "streamable-http",
    sessions: "mcp-session-id",
    auth: {
      scheme: "bearer",
      header: "Authorization",
      description: "The same ATT_TOKEN as the REST API: `Authorization: Bearer <token>`.",
    },
    tools: [...ATT_TOOLS, ...OWN_TOOLS].map(({ name, title, description }) => ({ name, title, description })),
    resources: ATT_RESOURCES.map(({ uri, name, title, mimeType }) => ({
      uri,
      name,
      title,
      mimeType,
      template: uri.includes("{"),
    })),
  };
}
