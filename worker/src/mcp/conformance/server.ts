/**
 * The conformance fixture server: test-only, served at /mcp/conformance when
 * the ATT_MCP_CONFORMANCE binding is "1" (tests set it; wrangler.toml does not).
 * It holds the suite's named fixtures so ATT's real /mcp stays free of them.
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerFixturePrompts, registerFixtureResources } from "./fixture-content.ts";
import { registerFixtureTools } from "./fixture-tools.ts";

export function createConformanceServer(): McpServer {
  const server = new McpServer(
    { name: "att-conformance-fixtures", version: "1.0.0" },
    { capabilities: { logging: {}, completions: {} } },
  );
  registerFixtureTools(server);
  registerFixtureResources(server);
  registerFixturePrompts(server);
  return server;
}
