/**
 * The hub's calls over the agent's SDK client, each through `request` with
 * the SDK's result schema and named by its MCP method (the control plane's
 * twin is worker/src/hub/connectors.ts; the answers are read by the shared
 * mcp-results.ts, so both clients report the same shapes).
 */
import type { McpCalls } from "@att/shared";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  CallToolResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ListToolsResultSchema,
  ReadResourceResultSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { step } from "./failure.ts";

export function sdkCalls(client: Client, request: RequestOptions): McpCalls {
  const page = (cursor: string | undefined) => (cursor === undefined ? {} : { cursor });
  return {
    listTools: (cursor) =>
      step("tools/list", () =>
        client.request({ method: "tools/list", params: page(cursor) }, ListToolsResultSchema, request),
      ),
    listResources: (cursor) =>
      step("resources/list", () =>
        client.request({ method: "resources/list", params: page(cursor) }, ListResourcesResultSchema, request),
      ),
    listResourceTemplates: (cursor) =>
      step("resources/templates/list", () =>
        client.request(
          { method: "resources/templates/list", params: page(cursor) },
          ListResourceTemplatesResultSchema,
          request,
        ),
      ),
    callTool: (name, args) =>
      step("tools/call", () =>
        client.request({ method: "tools/call", params: { name, arguments: args } }, CallToolResultSchema, request),
      ),
    readResource: (uri) =>
      step("resources/read", () =>
        client.request({ method: "resources/read", params: { uri } }, ReadResourceResultSchema, request),
      ),
  };
}
