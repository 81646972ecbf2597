/**
 * The MCP client hub's registry inside workerd: validation, masked headers,
 * duplicates, the limit and unknown ids through the REST routes; and the
 * health check itself against real SDK servers run in the test (reached
 * through the check's fetch), so the SDK client is proven to work in workerd.
 */
import { MAX_MCP_SERVERS, type McpServer, type McpServerList, Problem } from "@att/shared";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { McpServer as SdkMcpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { httpConnector } from "../src/hub/connectors.ts";
import { nextCheckDelayMs, nextHealth, runCheck } from "../src/hub/health-check.ts";
import { withoutSecrets } from "../src/hub/http-session.ts";
import { maskHeaderValue } from "../src/hub/mask.ts";
import { UNCHECKED } from "../src/hub/registry.ts";
import { api } from "./helpers.ts";

/** Nothing listens on port 1: a real connection that is refused. */
const CLOSED = "http://127.0.0.1:1/mcp";

const post = (path: string, body: unknown) =>
  api(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

async function register(body: Record<string, unknown>): Promise<McpServer> {
  const response = await post("/api/v1/mcp/servers", body);
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as McpServer;
}

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const problem = Problem.parse(await response.json());
  expect(problem.code).toBe(code);
  return problem;
}

const unique = (prefix: string) => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

describe("masking header values", () => {
  it.each([
    ["Bearer sk-live-0123456789abcd", "Bearer ****abcd"],
    ["token sk-live-0123456789wxyz", "token ****wxyz"],
    ["0123456789abcdef", "****cdef"],
    ["Bearer short", "Bearer ****"],
    ["tiny", "****"],
    ["", "****"],
    // An unknown first word may be half the secret: it is masked with the rest.
    ["abcdEFGH1234 rest-of-key", "****-key"],
  ])("%j shows as %j", (value, masked) => {
    expect(maskHeaderValue(value)).toBe(masked);
  });
});

describe("failure reasons", () => {
  it("never carry a registered header's secret, even when the server echoes it", () => {
    const headers = { Authorization: "Bearer sk-echoed-secret-0123", "X-Api-Key": "k3y-echoed" };
    const reason = withoutSecrets("HTTP 401: you sent Bearer sk-echoed-secret-0123 and k3y-echoed", headers);
    expect(reason).toBe("HTTP 401: you sent **** and ****");
  });
});

describe("registering", () => {
  it("stores headers but answers with masked values only, here and in the list", async () => {
    const secret = "Bearer sk-hub-test-secret-abcd";
    const server = await register({
      name: unique("masked"),
      url: CLOSED,
      headers: { Authorization: secret, "X-Api-Key": "key-0123456789-wxyz" },
    });
    expect(server.headers).toEqual({ Authorization: "Bearer ****abcd", "X-Api-Key": "****wxyz" });
    const listed = await api("/api/v1/mcp/servers");
    const text = await listed.text();
    expect(text).not.toContain("sk-hub-test-secret");
    expect(text).not.toContain("key-0123456789");
    const { servers } = JSON.parse(text) as McpServerList;
    expect(servers.find((s) => s.id === server.id)?.headers).toEqual(server.headers);
  });

  it("a server that cannot be reached is registered as degraded (one failure), with the reason", async () => {
    const server = await register({ name: unique("closed"), url: CLOSED });
    expect(server).toMatchObject({
      transport: "streamable-http",
      url: CLOSED,
      headers: {},
      command: null,
      args: [],
      env: {},
      status: "degraded",
      consecutiveFailures: 1,
      latencyMs: null,
      serverInfo: null,
      protocolVersion: null,
      tools: [],
      resourcesCount: null,
    });
    expect(server.error).toContain("connection refused");
    expect(server.lastCheckedAt).not.toBeNull();
    expect(server.id).toMatch(/^[0-9a-f-]{36}$/);
    // The retry is due about a second later (the first step of the backoff).
    const due = Date.parse(server.nextCheckAt ?? "") - Date.parse(server.lastCheckedAt ?? "");
    expect(due).toBeGreaterThan(0);
    expect(due).toBeLessThanOrEqual(1000 + 1000);
  });

  it.each([
    ["an ftp URL", { url: "ftp://example.com/mcp" }, "url"],
    ["not a URL", { url: "not a url" }, "url"],
    ["credentials in the URL", { url: "https://user:pass@example.com/mcp" }, "url"],
    ["a user name alone in the URL", { url: "https://user@example.com/mcp" }, "url"],
    ["an empty name", { name: "  " }, "name"],
    ["a 65-character name", { name: "n".repeat(65) }, "name"],
    ["a header the transport sets", { headers: { "Mcp-Session-Id": "x" } }, "headers.Mcp-Session-Id"],
    ["a header value with a line break", { headers: { "X-A": "a\r\nX-Injected: 1" } }, "headers.X-A"],
    ["a malformed header name", { headers: { "bad name": "x" } }, "headers.bad name"],
    ["the same header twice, differently cased", { headers: { "x-a": "1", "X-A": "2" } }, "headers"],
  ])("refuses %s with 422", async (_case, change, path) => {
    const body = { name: unique("bad"), url: CLOSED, ...change };
    const problem = await expectProblem(await post("/api/v1/mcp/servers", body), 422, "validation_failed");
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  });

  it("malformed JSON is 400", async () => {
    const response = await api("/api/v1/mcp/servers", {
      method: "POST",
      body: "{nope",
      headers: { "content-type": "application/json" },
    });
    await expectProblem(response, 400, "invalid_json");
  });

  it("a duplicate name (in any case) is 409", async () => {
    const name = unique("Dup");
    const first = await register({ name, url: CLOSED });
    const problem = await expectProblem(
      await post("/api/v1/mcp/servers", { name: name.toLowerCase(), url: CLOSED }),
      409,
      "conflict",
    );
    expect(problem.detail).toContain("already registered");
    expect(problem.details).toEqual({ serverId: first.id });
  });

  it(`refuses server number ${MAX_MCP_SERVERS + 1} with 409 and says why`, async () => {
    const before = ((await (await api("/api/v1/mcp/servers")).json()) as McpServerList).servers.length;
    const added: string[] = [];
    for (let i = before; i < MAX_MCP_SERVERS; i += 1)
      added.push((await register({ name: unique("fill"), url: CLOSED })).id);
    const problem = await expectProblem(
      await post("/api/v1/mcp/servers", { name: unique("one-too-many"), url: CLOSED }),
      409,
      "conflict",
    );
    expect(problem.detail).toContain(`at most ${MAX_MCP_SERVERS} MCP servers`);
    for (const id of added) expect((await api(`/api/v1/mcp/servers/${id}`, { method: "DELETE" })).status).toBe(204);
    await register({ name: unique("room-again"), url: CLOSED });
  });

  it("needs the bearer token", async () => {
    const response = await api("/api/v1/mcp/servers", { headers: { authorization: "Bearer wrong" } });
    await expectProblem(response, 401, "unauthorized");
  });
});

describe("deleting and checking", () => {
  it("delete answers 204, then the server is gone: list, delete and check say so", async () => {
    const server = await register({ name: unique("gone"), url: CLOSED });
    expect((await api(`/api/v1/mcp/servers/${server.id}`, { method: "DELETE" })).status).toBe(204);
    const { servers } = (await (await api("/api/v1/mcp/servers")).json()) as McpServerList;
    expect(servers.map((s) => s.id)).not.toContain(server.id);
    await expectProblem(await api(`/api/v1/mcp/servers/${server.id}`, { method: "DELETE" }), 404, "not_found");
    await expectProblem(await post(`/api/v1/mcp/servers/${server.id}/check`, {}), 404, "not_found");
  });

  it("a malformed server id is 422", async () => {
    await expectProblem(await api("/api/v1/mcp/servers/..%2Fx", { method: "DELETE" }), 422, "validation_failed");
  });

  it("check records a fresh result", async () => {
    const server = await register({ name: unique("recheck"), url: CLOSED });
    const response = await post(`/api/v1/mcp/servers/${server.id}/check`, {});
    expect(response.status).toBe(200);
    const checked = (await response.json()) as McpServer;
    expect(checked).toMatchObject({ id: server.id, status: "degraded", createdAt: server.createdAt });
    expect(checked.consecutiveFailures).toBeGreaterThanOrEqual(2);
    expect(checked.lastCheckedAt).not.toBeNull();
  });
});

/** Sends the check's requests to an SDK server transport in this isolate, recording what arrived. */
function inProcess(transport: WebStandardStreamableHTTPServerTransport, seen: Request[] = []) {
  return async (url: string | URL, init?: RequestInit) => {
    const request = new Request(url, init);
    seen.push(request.clone());
    return transport.handleRequest(request);
  };
}

async function sdkServer(setup: (server: SdkMcpServer) => void) {
  const server = new SdkMcpServer({ name: "fixture", version: "1.2.3" });
  setup(server);
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => crypto.randomUUID() });
  await server.connect(transport);
  return { server, transport };
}

type FetchLike = NonNullable<Parameters<typeof httpConnector>[0]["fetch"]>;

/** One check against an in-isolate server, and the health it gives a server that was never checked. */
async function check(fetch: FetchLike, extra: { timeoutMs?: number } = {}) {
  const connector = httpConnector({
    url: "http://fixture.test/mcp",
    headers: { Authorization: "Bearer fixture-token" },
    clientVersion: "0.0.0",
    fetch,
  });
  return nextHealth(UNCHECKED, await runCheck(connector, extra.timeoutMs ?? 10_000), new Date());
}

describe("health after checks", () => {
  it("degraded after one failure, unreachable after four, healthy after one success", () => {
    let health = UNCHECKED;
    const failed = { ok: false as const, error: "cannot connect" };
    const statuses: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      health = nextHealth(health, failed, new Date());
      statuses.push(health.status);
    }
    expect(statuses).toEqual(["degraded", "degraded", "degraded", "unreachable", "unreachable"]);
    expect(health.consecutiveFailures).toBe(5);
    const probe = {
      serverInfo: null,
      protocolVersion: null,
      capabilities: ["tools"],
      tools: [{ name: "t" }],
      resourcesCount: null,
    };
    health = nextHealth(health, { ok: true, probe, latencyMs: 5 }, new Date());
    expect(health).toMatchObject({ status: "healthy", consecutiveFailures: 0, error: null, tools: [{ name: "t" }] });
    // A failure keeps the last snapshot, so failover still knows the server's tools.
    expect(nextHealth(health, failed, new Date()).tools).toEqual([{ name: "t" }]);
  });

  it("retries back off 1, 2, 4, 8, 8 s; a healthy server waits the interval", () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => nextCheckDelayMs(n, 60_000))).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(nextCheckDelayMs(0, 60_000)).toBe(60_000);
  });
});

describe("the health check (SDK client in workerd)", () => {
  it("initializes, lists tools and counts resources, sending the registered headers", async () => {
    const { server, transport } = await sdkServer((s) => {
      s.registerTool("echo", { description: "Echo the input", inputSchema: { text: z.string() } }, ({ text }) => ({
        content: [{ type: "text", text }],
      }));
      s.registerTool("add", { outputSchema: { sum: z.number() } }, () => ({
        content: [{ type: "text", text: "3" }],
        structuredContent: { sum: 3 },
      }));
      s.registerResource("readme", "fixture://readme", {}, (uri) => ({ contents: [{ uri: uri.href, text: "hi" }] }));
    });
    const seen: Request[] = [];
    const health = await check(inProcess(transport, seen));
    expect(health).toMatchObject({
      status: "healthy",
      error: null,
      serverInfo: { name: "fixture", version: "1.2.3" },
      tools: [{ name: "echo", description: "Echo the input" }, { name: "add" }],
      resourcesCount: 1,
    });
    expect(health.capabilities).toEqual(expect.arrayContaining(["resources", "tools"]));
    expect(health.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const request of seen) expect(request.headers.get("authorization")).toBe("Bearer fixture-token");
    // The check ends its session on the server.
    const last = seen.at(-1);
    expect(last?.method).toBe("DELETE");
    expect(last?.headers.get("mcp-session-id")).toBe(transport.sessionId);
    await server.close();
  });

  it(`keeps at most 200 tools; a server without resources has resourcesCount null`, async () => {
    const { server, transport } = await sdkServer((s) => {
      for (let i = 0; i < 230; i += 1) s.registerTool(`tool_${i}`, {}, () => ({ content: [] }));
    });
    const health = await check(inProcess(transport));
    expect(health.status).toBe("healthy");
    expect(health.tools).toHaveLength(200);
    expect(health.tools[199]?.name).toBe("tool_199");
    expect(health.resourcesCount).toBeNull();
    await server.close();
  });

  it("a JSON-RPC error from tools/list fails the check, with the error", async () => {
    const server = new Server({ name: "broken", version: "0.1.0" }, { capabilities: { tools: {} } });
    server.setRequestHandler(ListToolsRequestSchema, () => {
      throw new McpError(-32603, "the tool registry is down");
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: () => crypto.randomUUID() });
    await server.connect(transport);
    const health = await check(inProcess(transport));
    expect(health).toMatchObject({
      status: "degraded",
      error: "tools/list: JSON-RPC error -32603: the tool registry is down",
      latencyMs: null,
    });
    await server.close();
  });

  it("an HTTP error status is reported with the server's words", async () => {
    const health = await check(async () => new Response("invalid token", { status: 401 }));
    expect(health).toMatchObject({ status: "degraded", error: "initialize: HTTP 401: invalid token" });
  });

  it("a server that never answers fails once the deadline passes", async () => {
    const hang = (_url: string | URL, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });
    const health = await check(hang, { timeoutMs: 50 });
    expect(health).toMatchObject({ status: "degraded", error: "no answer within 0.05 s" });
  });
});
