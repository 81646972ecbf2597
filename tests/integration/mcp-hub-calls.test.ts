/**
 * Calling through the MCP client hub on the real stack: tool calls and
 * resource reads on real servers (two SDK fixture servers and the reference
 * server-everything over Streamable HTTP), failover when a server offering
 * the tool is stopped, the trail of servers tried, problem+json errors, the
 * mcp.* events with their correlation ids, and the same through ATT's own
 * MCP tools (att.mcp.*) with a real MCP client.
 */
import type {
  McpResourceList,
  McpResourceReadResult,
  McpServer,
  McpServerList,
  McpToolCalledPayload,
  McpToolCallResult,
  Problem,
} from "@att/shared";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EverythingHttpServer } from "../support/everything-server.ts";
import { McpFixtureServer } from "../support/mcp-fixture-server.ts";
import { register, waitForServer, workspaceEvents } from "../support/mcp-hub.ts";
import { Stack } from "../support/stack.ts";

let stack: Stack;
const first = new McpFixtureServer();
const second = new McpFixtureServer();
const everything = new EverythingHttpServer();
let a: McpServer;
let b: McpServer;
let e: McpServer;
let client: Client;

beforeAll(async () => {
  stack = await Stack.start();
  await Promise.all([first.start(), second.start(), everything.start({ logDir: stack.dir })]);
  a = await register(stack, { name: "first", url: first.url });
  b = await register(stack, { name: "second", url: second.url });
  e = await register(stack, { name: "everything-http", url: everything.url });
  client = new Client({ name: "att-hub-test", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${stack.userToken}` } },
    }),
  );
}, 120_000);

afterAll(async () => {
  await client?.close();
  await Promise.all([first.stop(), second.stop(), everything.stop()]);
  await stack?.dispose();
});

async function post(path: string, body: unknown, requestId?: string): Promise<Response> {
  const headers: Record<string, string> = requestId === undefined ? {} : { "x-request-id": requestId };
  return stack.api(path, { method: "POST", body: JSON.stringify(body), headers });
}

async function ok<T>(response: Response): Promise<T> {
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as T;
}

async function problem(response: Response, status: number): Promise<Problem> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  return (await response.json()) as Problem;
}

const text = (result: McpToolCallResult) => (result.result.content[0] as { text?: string } | undefined)?.text;

describe("one server", () => {
  it("calls a tool and answers with its result, the server and one attempt", async () => {
    const correlationId = `call-${crypto.randomUUID()}`;
    const result = await ok<McpToolCallResult>(
      await post(`/api/v1/mcp/servers/${a.id}/tools/call`, { name: "echo", arguments: { text: "hi" } }, correlationId),
    );
    expect(result).toMatchObject({ correlationId, tool: "echo", serverId: a.id, serverName: "first" });
    expect(result.result).toEqual({ content: [{ type: "text", text: "hi" }], isError: false });
    expect(result.attempts).toMatchObject([{ serverId: a.id, ok: true, error: null, status: "healthy" }]);
    const called = (await workspaceEvents(stack, "mcp.tool.called")).find(
      (event) => (event.payload as McpToolCalledPayload).correlationId === correlationId,
    );
    expect(called).toMatchObject({ actor: "hub", projectId: "workspace" });
    expect(called?.payload).toMatchObject({ tool: "echo", ok: true, isError: false, serverId: a.id });
  });

  it("a tool's own failure is an isError answer, not a failover", async () => {
    const result = await ok<McpToolCallResult>(
      await post("/api/v1/mcp/tools/call", { name: "add", arguments: { a: "two", b: 3 } }),
    );
    expect(result.result.isError).toBe(true);
    expect(result.attempts).toHaveLength(1);
  });

  it("server-everything: structured content, resources, templates and a read", async () => {
    const sum = await ok<McpToolCallResult>(
      await post(`/api/v1/mcp/servers/${e.id}/tools/call`, {
        name: "get-structured-content",
        arguments: { location: "New York" },
      }),
    );
    expect(sum.result.structuredContent).toBeDefined();
    const listing = await ok<McpResourceList>(await stack.api(`/api/v1/mcp/servers/${e.id}/resources`));
    expect(listing.serverId).toBe(e.id);
    expect(listing.resources.length).toBeGreaterThan(0);
    expect(listing.resourceTemplates.length).toBeGreaterThan(0);
    const uri = listing.resources[0]?.uri ?? "";
    const correlationId = `read-${crypto.randomUUID()}`;
    const read = await ok<McpResourceReadResult>(
      await post(`/api/v1/mcp/servers/${e.id}/resources/read`, { uri }, correlationId),
    );
    expect(read).toMatchObject({ correlationId, serverId: e.id, uri });
    expect(read.contents[0]?.text?.length).toBeGreaterThan(0);
    const events = await workspaceEvents(stack, "mcp.resource.read");
    expect(events.map((event) => event.payload)).toContainEqual(
      expect.objectContaining({ correlationId, serverId: e.id, uri, ok: true, error: null }),
    );
  });

  it("the fixture's resource reads back its text; an unknown resource is a 502 problem", async () => {
    const read = await ok<McpResourceReadResult>(
      await post(`/api/v1/mcp/servers/${a.id}/resources/read`, { uri: "fixture://readme" }),
    );
    expect(read.contents).toEqual([{ uri: "fixture://readme", text: "fixture" }]);
    const missing = await problem(
      await post(`/api/v1/mcp/servers/${a.id}/resources/read`, { uri: "fixture://nope" }),
      502,
    );
    expect(missing).toMatchObject({ code: "upstream_error" });
    expect(missing.detail).toContain("resources/read");
  });
});

describe("bad input and unknown things", () => {
  it.each([
    ["a missing tool name", "/api/v1/mcp/tools/call", { arguments: {} }],
    ["arguments that are not an object", "/api/v1/mcp/tools/call", { name: "echo", arguments: [1] }],
    ["a timeout of zero", "/api/v1/mcp/tools/call", { name: "echo", timeoutMs: 0 }],
    ["a read without a uri", "/api/v1/mcp/servers/x/resources/read", {}],
  ])("%s is 422", async (_case, path, body) => {
    expect((await problem(await post(path, body), 422)).code).toBe("validation_failed");
  });

  it("an unknown server is 404; a tool nobody offers is 404", async () => {
    const unknown = crypto.randomUUID();
    expect((await problem(await post(`/api/v1/mcp/servers/${unknown}/tools/call`, { name: "echo" }), 404)).code).toBe(
      "not_found",
    );
    expect((await problem(await stack.api(`/api/v1/mcp/servers/${unknown}/resources`), 404)).code).toBe("not_found");
    const nobody = await problem(await post("/api/v1/mcp/tools/call", { name: "no-such-tool" }), 404);
    expect(nobody.detail).toContain("no-such-tool");
  });
});

describe("failover", () => {
  it("the first server offering the tool is stopped: the call fails over to the second, saying why", async () => {
    await first.stop();
    const correlationId = `failover-${crypto.randomUUID()}`;
    const result = await ok<McpToolCallResult>(
      await post("/api/v1/mcp/tools/call", { name: "add", arguments: { a: 2, b: 3 } }, correlationId),
    );
    expect(text(result)).toBe("5");
    expect(result.serverId).toBe(b.id);
    expect(result.attempts).toHaveLength(2);
    expect(result.attempts[0]).toMatchObject({ serverId: a.id, serverName: "first", ok: false, status: "healthy" });
    expect(result.attempts[0]?.error).toContain("connection refused");
    expect(result.attempts[1]).toMatchObject({ serverId: b.id, ok: true, error: null });
    const called = (await workspaceEvents(stack, "mcp.tool.called"))
      .map((event) => event.payload as McpToolCalledPayload)
      .find((payload) => payload.correlationId === correlationId);
    expect(called).toMatchObject({ ok: true, serverId: b.id, attempts: result.attempts });
  });

  it("the failed server is checked at once and degraded; now the healthy one is tried first", async () => {
    await waitForServer(stack, a.id, (s) => s.status === "degraded", 30_000);
    const result = await ok<McpToolCallResult>(
      await post("/api/v1/mcp/tools/call", { name: "add", arguments: { a: 1, b: 1 } }),
    );
    expect(result.attempts.map((attempt) => attempt.serverId)).toEqual([b.id]);
  });

  it("every server offering the tool is down: 502 with every attempt and why", async () => {
    // `add` is the fixtures' alone (server-everything has an `echo` too).
    await second.stop();
    const failed = await problem(await post("/api/v1/mcp/tools/call", { name: "add", arguments: { a: 1, b: 2 } }), 502);
    expect(failed.code).toBe("upstream_error");
    const details = failed.details as { correlationId: string; attempts: { serverId: string; error: string }[] };
    expect(details.attempts.map((attempt) => attempt.serverId).sort()).toEqual([a.id, b.id].sort());
    for (const attempt of details.attempts) expect(attempt.error).toContain("connection refused");
    expect(failed.detail).toContain("first: ");
    expect(failed.detail).toContain("second: ");
  });

  it("serverIds narrows the candidates", async () => {
    await second.start(second.port);
    const result = await ok<McpToolCallResult>(
      await post("/api/v1/mcp/tools/call", { name: "echo", arguments: { text: "only b" }, serverIds: [b.id] }),
    );
    expect(result.attempts.map((attempt) => attempt.serverId)).toEqual([b.id]);
    expect(text(result)).toBe("only b");
  });
});

describe("ATT's own MCP tools", () => {
  async function callAtt<T>(name: string, args: Record<string, unknown>): Promise<{ isError: boolean; value: T }> {
    const result = await client.callTool({ name, arguments: args });
    if (result.isError === true) {
      const [content] = result.content as { text: string }[];
      return { isError: true, value: JSON.parse(content?.text ?? "null") as T };
    }
    return { isError: false, value: result.structuredContent as T };
  }

  it("lists att.mcp.* tools", async () => {
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    for (const name of ["att.mcp.servers", "att.mcp.call", "att.mcp.resources", "att.mcp.read"])
      expect(names).toContain(name);
  });

  it("att.mcp.servers lists the registered servers with their status", async () => {
    const { value } = await callAtt<McpServerList>("att.mcp.servers", {});
    expect(value.servers.map((s) => s.name).sort()).toEqual(["everything-http", "first", "second"]);
  });

  it("att.mcp.call fails over like REST and reports the trail", async () => {
    await waitForServer(stack, b.id, (s) => s.status === "healthy", 30_000);
    const { isError, value } = await callAtt<McpToolCallResult>("att.mcp.call", {
      name: "echo",
      arguments: { text: "via mcp" },
    });
    expect(isError).toBe(false);
    expect(value.serverId).toBe(b.id);
    expect(text(value)).toBe("via mcp");
    const events = await workspaceEvents(stack, "mcp.tool.called");
    expect(events.map((event) => (event.payload as McpToolCalledPayload).correlationId)).toContain(value.correlationId);
  });

  it("att.mcp.call with serverId on a stopped server is an isError result with the attempt", async () => {
    const { isError, value } = await callAtt<{ error: { code: string; details: { attempts: unknown[] } } }>(
      "att.mcp.call",
      { name: "echo", arguments: { text: "x" }, serverId: a.id },
    );
    expect(isError).toBe(true);
    expect(value.error.code).toBe("upstream_error");
    expect(value.error.details.attempts).toHaveLength(1);
  });

  it("att.mcp.resources and att.mcp.read read server-everything's resources", async () => {
    const { value: listing } = await callAtt<McpResourceList>("att.mcp.resources", { serverId: e.id });
    const uri = listing.resources[0]?.uri ?? "";
    const { value: read } = await callAtt<McpResourceReadResult>("att.mcp.read", { serverId: e.id, uri });
    expect(read.uri).toBe(uri);
    expect(read.contents.length).toBeGreaterThan(0);
  });
});
