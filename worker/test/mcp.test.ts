/**
 * ATT's MCP endpoint inside workerd: auth, DNS-rebinding protection, the
 * session lifecycle, tools/list's shape, and tool errors when no agent is
 * linked. Speaks JSON-RPC over Streamable HTTP with plain fetch (SELF).
 */
import { SELF } from "cloudflare:test";
import { AGENT_METHODS, type AgentMethod } from "@att/shared";
import { describe, expect, it } from "vitest";
import { McpDescriptor } from "../src/mcp/descriptor.ts";
import { OWN_TOOLS } from "../src/mcp/own-tools.ts";
import { ATT_TOOLS } from "../src/mcp/tools.ts";

/** Agent-operation tools, then the ones the workspace answers itself (workflows, the hub). */
const ALL_TOOLS = [...ATT_TOOLS, ...OWN_TOOLS];

import { api, BASE, USER_TOKEN } from "./helpers.ts";

const ACCEPT = "application/json, text/event-stream";

interface RpcReply {
  jsonrpc: "2.0";
  id: number | null;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return api("/mcp", {
    method: "POST",
    headers: { "content-type": "application/json", accept: ACCEPT, ...headers },
    body: JSON.stringify(body),
  });
}

/** The JSON-RPC reply in a response, whether sent as JSON or as an SSE `message` event. */
async function reply(response: Response): Promise<RpcReply> {
  const text = await response.text();
  if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) return JSON.parse(text) as RpcReply;
  const data = text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)) as RpcReply)
    .find((message) => "result" in message || "error" in message);
  if (data === undefined) throw new Error(`no JSON-RPC reply in: ${text}`);
  return data;
}

const INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "worker-test", version: "1.0.0" } },
};

/** Initializes a session and returns its headers for later requests. */
async function session(): Promise<Record<string, string>> {
  const response = await post(INITIALIZE);
  expect(response.status).toBe(200);
  const id = response.headers.get("mcp-session-id");
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  await reply(response);
  const headers = { "mcp-session-id": id ?? "", "mcp-protocol-version": "2025-11-25" };
  const initialized = await post({ jsonrpc: "2.0", method: "notifications/initialized" }, headers);
  expect(initialized.status).toBe(202);
  return headers;
}

async function call(headers: Record<string, string>, name: string, args: Record<string, unknown>) {
  const response = await post(
    { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name, arguments: args } },
    headers,
  );
  expect(response.status).toBe(200);
  const { result } = await reply(response);
  const content = (result?.content ?? []) as Array<{ type: string; text: string }>;
  return { result, content };
}

describe("authentication and DNS-rebinding protection", () => {
  it("refuses a request without a token with 401 and WWW-Authenticate: Bearer", async () => {
    const response = await SELF.fetch(`${BASE}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: ACCEPT },
      body: JSON.stringify(INITIALIZE),
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
    expect(await response.json()).toMatchObject({ code: "unauthorized" });
  });

  it("refuses a wrong token", async () => {
    const response = await post(INITIALIZE, { authorization: "Bearer nope" });
    expect(response.status).toBe(401);
  });

  it.each([
    ["a foreign Origin", { origin: "http://evil.example.com" }],
    ["a foreign Host from a loopback client", { host: "evil.example.com", "cf-connecting-ip": "127.0.0.1" }],
  ])("refuses %s with 403 on a local server", async (_name, headers) => {
    const response = await post(INITIALIZE, headers);
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ code: "forbidden" });
  });

  it("accepts local Origins", async () => {
    for (const origin of ["http://127.0.0.1:8787", "http://localhost:5173", "http://[::1]:8787"]) {
      const response = await post(INITIALIZE, { origin });
      expect(response.status, origin).toBe(200);
      await response.body?.cancel();
    }
  });
});

describe("sessions", () => {
  it("initializes with ATT's server info and the 2025-11-25 protocol", async () => {
    const { result } = await reply(await post(INITIALIZE));
    expect(result).toMatchObject({
      protocolVersion: "2025-11-25",
      serverInfo: { name: "att", version: "0.1.0" },
      capabilities: { tools: {}, resources: {}, logging: {} },
    });
  });

  it("answers ping and logging/setLevel within a session, and forgets it after DELETE", async () => {
    const headers = await session();
    expect((await reply(await post({ jsonrpc: "2.0", id: 2, method: "ping" }, headers))).result).toEqual({});
    const level = { jsonrpc: "2.0", id: 3, method: "logging/setLevel", params: { level: "info" } };
    expect((await reply(await post(level, headers))).result).toEqual({});
    const closed = await api("/mcp", { method: "DELETE", headers });
    expect(closed.status).toBe(200);
    const after = await post({ jsonrpc: "2.0", id: 4, method: "ping" }, headers);
    expect(after.status).toBe(404);
    expect((await reply(after)).error?.code).toBe(-32001);
  });

  it("answers 404 for an unknown or malformed session id, 400 for a non-initialize request without one", async () => {
    for (const id of [crypto.randomUUID(), "not-a-session"]) {
      const response = await post({ jsonrpc: "2.0", id: 1, method: "ping" }, { "mcp-session-id": id });
      expect(response.status, id).toBe(404);
      await response.body?.cancel();
    }
    const orphan = await post({ jsonrpc: "2.0", id: 1, method: "ping" });
    expect(orphan.status).toBe(400);
    await orphan.body?.cancel();
  });
});

describe("tools", () => {
  it("lists every tool with title, input and output schemas and annotations", async () => {
    const headers = await session();
    const { result } = await reply(await post({ jsonrpc: "2.0", id: 2, method: "tools/list" }, headers));
    const tools = result?.tools as Array<{
      name: string;
      title: string;
      description: string;
      inputSchema: { type: string; properties?: Record<string, unknown> };
      outputSchema: { type: string };
      annotations: Record<string, unknown>;
    }>;
    expect(tools.map((t) => t.name)).toEqual(ALL_TOOLS.map((t) => t.name));
    for (const tool of tools) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.description, tool.name).toBeTruthy();
      expect(tool.inputSchema.type, tool.name).toBe("object");
      expect(tool.outputSchema.type, tool.name).toBe("object");
      expect(tool.annotations, tool.name).toMatchObject({ title: tool.title });
      expect(typeof tool.annotations.readOnlyHint, tool.name).toBe("boolean");
      expect(typeof tool.annotations.destructiveHint, tool.name).toBe("boolean");
    }
    const branch = tools.find((t) => t.name === "att.git.branch");
    expect(branch?.inputSchema.properties).toHaveProperty("action");
    expect(tools.find((t) => t.name === "att.project.delete")?.annotations).toMatchObject({ destructiveHint: true });
    expect(tools.find((t) => t.name === "att.code.read")?.annotations).toMatchObject({ readOnlyHint: true });
    expect(tools.find((t) => t.name === "att.terminal.run")?.annotations).toMatchObject({
      destructiveHint: true,
      openWorldHint: false,
    });
  });

  it("reaches every project, code and git operation", () => {
    const reachable = new Set(ATT_TOOLS.flatMap((tool) => tool.methods));
    const operations = (Object.keys(AGENT_METHODS) as AgentMethod[]).filter((method) =>
      /^(projects|code|git)\./.test(method),
    );
    expect(operations.filter((method) => !reachable.has(method))).toEqual([]);
  });

  it("returns isError with agent_unavailable when no agent is linked", async () => {
    const headers = await session();
    const { result, content } = await call(headers, "att.project.list", {});
    expect(result?.isError).toBe(true);
    expect(result?.structuredContent).toBeUndefined();
    const { error } = JSON.parse(content[0]?.text ?? "{}") as { error: { code: string; message: string } };
    expect(error.code).toBe("agent_unavailable");
    const rest = await api("/api/v1/projects");
    expect(((await rest.json()) as { code: string }).code).toBe(error.code);
  });

  it("returns isError with validation_failed for invalid arguments, before asking the agent", async () => {
    const headers = await session();
    const missing = await call(headers, "att.project.status", {});
    expect(missing.result?.isError).toBe(true);
    const { error } = JSON.parse(missing.content[0]?.text ?? "{}") as { error: { code: string; message: string } };
    expect(error.code).toBe("validation_failed");
    expect(error.message).toContain("projectId");
    const badAction = await call(headers, "att.git.branch", { projectId: "p1", action: "delete" });
    expect(JSON.parse(badAction.content[0]?.text ?? "{}")).toMatchObject({ error: { code: "validation_failed" } });
    const noName = await call(headers, "att.git.branch", { projectId: "p1", action: "create" });
    const noNameError = JSON.parse(noName.content[0]?.text ?? "{}") as { error: { code: string; message: string } };
    expect(noNameError.error).toMatchObject({ code: "validation_failed" });
    expect(noNameError.error.message).toContain("name");
  });

  it("answers an unknown tool with JSON-RPC -32602", async () => {
    const headers = await session();
    const response = await post(
      { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "att.nope", arguments: {} } },
      headers,
    );
    expect((await reply(response)).error?.code).toBe(-32602);
  });
});

describe("resources and discovery", () => {
  it("lists att://projects and the per-project templates", async () => {
    const headers = await session();
    const { result: listed } = await reply(await post({ jsonrpc: "2.0", id: 2, method: "resources/list" }, headers));
    expect(listed?.resources).toEqual([
      expect.objectContaining({ uri: "att://projects", mimeType: "application/json" }),
    ]);
    const { result } = await reply(await post({ jsonrpc: "2.0", id: 3, method: "resources/templates/list" }, headers));
    const templates = ((result?.resourceTemplates ?? []) as Array<{ uriTemplate: string }>).map((t) => t.uriTemplate);
    expect(templates.sort()).toEqual([
      "att://project/{id}/ci",
      "att://project/{id}/config",
      "att://project/{id}/files",
      "att://project/{id}/logs",
      "att://project/{id}/logs{?after}",
      "att://project/{id}/tests",
    ]);
  });

  it("answers a resource read without an agent with a JSON-RPC error carrying the wire error", async () => {
    const headers = await session();
    const read = { jsonrpc: "2.0", id: 4, method: "resources/read", params: { uri: "att://project/p1/config" } };
    const { error } = (await reply(await post(read, headers))) as RpcReply & { error: { data?: unknown } };
    expect(error?.code).toBe(-32603);
    expect(error?.data).toMatchObject({ code: "agent_unavailable" });
  });

  it("describes the server at /api/v1/mcp/.well-known and documents it in the OpenAPI", async () => {
    const response = await api("/api/v1/mcp/.well-known");
    expect(response.status).toBe(200);
    const descriptor = McpDescriptor.parse(await response.json());
    expect(descriptor).toMatchObject({
      name: "att",
      protocolVersion: "2025-11-25",
      endpoint: `${BASE}/mcp`,
      transport: "streamable-http",
      auth: { scheme: "bearer" },
    });
    expect(descriptor.tools.map((t) => t.name)).toEqual(ALL_TOOLS.map((t) => t.name));
    const unauthenticated = await SELF.fetch(`${BASE}/api/v1/mcp/.well-known`);
    expect(unauthenticated.status).toBe(401);
    const doc = (await (await api("/api/v1/openapi.json")).json()) as { paths: Record<string, unknown> };
    expect(doc.paths).toHaveProperty(["/api/v1/mcp/.well-known"]);
  });

  it("keeps the conformance fixtures off unless ATT_MCP_CONFORMANCE is set", async () => {
    const response = await SELF.fetch(`${BASE}/mcp/conformance`, {
      method: "POST",
      headers: { authorization: `Bearer ${USER_TOKEN}`, "content-type": "application/json", accept: ACCEPT },
      body: JSON.stringify(INITIALIZE),
    });
    expect(response.status).toBe(404);
  });
});
