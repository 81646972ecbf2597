/**
 * The MCP client hub's registry against the real stack (wrangler dev): the
 * workspace Durable Object checks real MCP servers over the network, a
 * fixture SDK server in this process and ATT's own /mcp.
 */
import type { McpServer, McpServerList } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_NAME, FIXTURE_TOOLS, FIXTURE_VERSION, McpFixtureServer } from "../support/mcp-fixture-server.ts";
import { freePort, Stack } from "../support/stack.ts";

let stack: Stack;
const fixture = new McpFixtureServer();

const SERVERS = "/api/v1/mcp/servers";

async function register(body: Record<string, unknown>): Promise<McpServer> {
  const response = await stack.api(SERVERS, { method: "POST", body: JSON.stringify(body) });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as McpServer;
}

async function check(id: string): Promise<McpServer> {
  return stack.json<McpServer>(`${SERVERS}/${id}/check`, { method: "POST" });
}

const toolNames = (server: McpServer) => server.tools.map((tool) => tool.name).sort();

beforeAll(async () => {
  stack = await Stack.start();
  await fixture.start();
}, 120_000);

afterAll(async () => {
  await fixture.stop();
  await stack?.dispose();
});

describe("a real external MCP server", () => {
  let server: McpServer;

  it("registers healthy, with its tools, and receives the registered headers", async () => {
    const key = `fixture-key-${crypto.randomUUID()}`;
    server = await register({ name: "fixture", url: fixture.url, headers: { "X-Fixture-Key": key } });
    expect(server).toMatchObject({
      name: "fixture",
      url: fixture.url,
      status: "healthy",
      error: null,
      serverInfo: { name: FIXTURE_NAME, version: FIXTURE_VERSION },
      resourcesCount: 1,
    });
    expect(toolNames(server)).toEqual(FIXTURE_TOOLS);
    expect(server.tools.find((tool) => tool.name === "echo")?.description).toBe("Echo the text back");
    expect(server.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(server.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.headers).toEqual({ "X-Fixture-Key": `****${key.slice(-4)}` });
    expect(fixture.seenHeaders.some((headers) => headers["x-fixture-key"] === key)).toBe(true);

    const { servers } = await stack.json<McpServerList>(SERVERS);
    expect(servers.find((s) => s.id === server.id)).toEqual(server);
  });

  it("stopped: a check finds it degraded and says why, keeping its last tools", async () => {
    await fixture.stop();
    const checked = await check(server.id);
    expect(checked).toMatchObject({ id: server.id, status: "degraded", latencyMs: null });
    expect(checked.consecutiveFailures).toBeGreaterThanOrEqual(1);
    expect(toolNames(checked)).toEqual(FIXTURE_TOOLS);
    expect(checked.error).toContain("connection refused");
  });

  it("started again on the same port: healthy again", async () => {
    await fixture.start(fixture.port);
    const checked = await check(server.id);
    expect(checked).toMatchObject({ id: server.id, status: "healthy", error: null, consecutiveFailures: 0 });
    expect(toolNames(checked)).toEqual(FIXTURE_TOOLS);
  });

  it("a URL where nothing listens still registers, as degraded", async () => {
    const closed = await register({ name: "nothing-there", url: `http://127.0.0.1:${await freePort()}/mcp` });
    expect(closed).toMatchObject({ status: "degraded", consecutiveFailures: 1, serverInfo: null, tools: [] });
    expect(closed.error).toContain("connection refused");
  });
});

describe("ATT's own /mcp as an external server", () => {
  it("is healthy with its att.* tools when the bearer header is registered", async () => {
    const self = await register({
      name: "att-self",
      url: `${stack.url}/mcp`,
      headers: { Authorization: `Bearer ${stack.userToken}` },
    });
    expect(self).toMatchObject({ status: "healthy", error: null, serverInfo: { name: "att" } });
    expect(self.tools.length).toBeGreaterThan(10);
    expect(self.tools.every((tool) => tool.name.startsWith("att."))).toBe(true);
    expect(toolNames(self)).toContain("att.project.list");
    expect(self.headers.Authorization).toBe(`Bearer ****${stack.userToken.slice(-4)}`);
    expect(JSON.stringify(self)).not.toContain(stack.userToken);
  });

  it("fails with HTTP 401 under a wrong token, which never appears in the answer", async () => {
    const wrong = `wrong-${crypto.randomUUID()}`;
    const denied = await register({
      name: "att-wrong-token",
      url: `${stack.url}/mcp`,
      headers: { Authorization: `Bearer ${wrong}` },
    });
    expect(denied).toMatchObject({ status: "degraded", tools: [] });
    expect(denied.error).toContain("HTTP 401");
    expect(JSON.stringify(denied)).not.toContain(wrong);
  });
});

describe("unregistering", () => {
  it("deletes every server; the list ends empty", async () => {
    const { servers } = await stack.json<McpServerList>(SERVERS);
    expect(servers.map((s) => s.name).sort()).toEqual(
      ["att-self", "att-wrong-token", "fixture", "nothing-there"].sort(),
    );
    for (const { id } of servers) {
      expect((await stack.api(`${SERVERS}/${id}`, { method: "DELETE" })).status).toBe(204);
    }
    expect(await stack.json<McpServerList>(SERVERS)).toEqual({ servers: [] });
    expect((await stack.api(`${SERVERS}/${servers[0]?.id}`, { method: "DELETE" })).status).toBe(404);
  });
});
