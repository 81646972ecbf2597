/**
 * A real external MCP server for hub tests: the SDK's McpServer behind its
 * Node Streamable HTTP transport (stateless: a fresh server per POST) on
 * 127.0.0.1. It can be stopped and started again on the same port, and it
 * records the request headers it saw so tests can prove header passing.
 */
import http from "node:http";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

export const FIXTURE_NAME = "att-fixture";
export const FIXTURE_VERSION = "1.0.0";
export const FIXTURE_TOOLS = ["add", "echo"];

function buildServer(): McpServer {
  const server = new McpServer({ name: FIXTURE_NAME, version: FIXTURE_VERSION });
  server.registerTool("echo", { description: "Echo the text back", inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: "text", text }],
  }));
  server.registerTool(
    "add",
    { description: "Add two numbers", inputSchema: { a: z.number(), b: z.number() } },
    ({ a, b }) => ({ content: [{ type: "text", text: String(a + b) }] }),
  );
  server.registerResource("readme", "fixture://readme", { mimeType: "text/plain" }, (uri) => ({
    contents: [{ uri: uri.href, text: "fixture" }],
  }));
  return server;
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== "POST" || req.url !== "/mcp") {
    res.writeHead(req.url === "/mcp" ? 405 : 404, { "content-type": "application/json", allow: "POST" });
    res.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed." }, id: null }));
    return;
  }
  const server = buildServer();
  const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
  res.on("close", () => {
    void transport.close();
    void server.close();
  });
  await server.connect(transport);
  await transport.handleRequest(req, res);
}

export class McpFixtureServer {
  readonly seenHeaders: http.IncomingHttpHeaders[] = [];
  #server: http.Server | null = null;
  #port = 0;

  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}/mcp`;
  }

  /** Listens on `port` (0 picks a free one; the same port again after stop()). */
  async start(port = this.#port): Promise<void> {
    const server = http.createServer((req, res) => {
      this.seenHeaders.push(req.headers);
      handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.#server = server;
    const address = server.address();
    if (address === null || typeof address === "string") throw new Error("the fixture server has no TCP address");
    this.#port = address.port;
  }

  /** Stops listening and drops every open connection, so the next request is refused. */
  async stop(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    if (server === null) return;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}
