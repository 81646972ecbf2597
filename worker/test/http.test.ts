/** The REST surface inside workerd: auth, problem+json, request ids, validation, OpenAPI. */
import { SELF } from "cloudflare:test";
import { AGENT_METHODS, Problem } from "@att/shared";
import { describe, expect, it } from "vitest";
import { AGENT_TOKEN, api, BASE } from "./helpers.ts";

async function expectProblem(response: Response, status: number, code: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("application/problem+json");
  const body = Problem.parse(await response.json());
  expect(body.code).toBe(code);
  expect(body.requestId).toBe(response.headers.get("x-request-id"));
  return body;
}

describe("authentication", () => {
  it("health needs no token and reports the version", async () => {
    const response = await SELF.fetch(`${BASE}/api/v1/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; version: string };
    expect(body).toMatchObject({ status: "ok", version: "0.1.0" });
  });

  it.each([
    ["no header", {}],
    ["wrong token", { authorization: "Bearer nope" }],
    ["wrong scheme", { authorization: "Basic dGVzdDp0ZXN0" }],
    ["the agent's token", { authorization: `Bearer ${AGENT_TOKEN}` }],
  ])("refuses %s with 401 problem+json", async (_name, headers) => {
    for (const path of ["/api/v1/projects", "/api/v1/openapi.json", "/api/v1/projects/p1/events"]) {
      const response = await SELF.fetch(`${BASE}${path}`, { headers });
      const body = await expectProblem(response, 401, "unauthorized");
      expect(response.headers.get("www-authenticate")).toContain("Bearer");
      expect(JSON.stringify(body)).not.toContain("test-user-token");
    }
  });

  it("refuses a user token on the agent link", async () => {
    const response = await api("/api/v1/agent/ws", { headers: { upgrade: "websocket" } });
    await expectProblem(response, 401, "unauthorized");
  });

  it("refuses an unauthenticated WebSocket before upgrading", async () => {
    const response = await SELF.fetch(`${BASE}/api/v1/projects/p1/ws`, { headers: { upgrade: "websocket" } });
    expect(response.webSocket).toBeNull();
    await expectProblem(response, 401, "unauthorized");
  });
});

describe("request ids", () => {
  it("echoes a well-formed X-Request-Id and generates one otherwise", async () => {
    const given = await SELF.fetch(`${BASE}/api/v1/health`, { headers: { "x-request-id": "trace-123" } });
    expect(given.headers.get("x-request-id")).toBe("trace-123");
    const generated = await SELF.fetch(`${BASE}/api/v1/health`, { headers: { "x-request-id": "bad id with spaces" } });
    expect(generated.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("bad input", () => {
  it("malformed JSON is 400 invalid_json", async () => {
    const response = await api("/api/v1/agent/ping", {
      method: "POST",
      body: "{nope",
      headers: { "content-type": "application/json" },
    });
    await expectProblem(response, 400, "invalid_json");
  });

  it("a body that fails the schema is 422 with the failing field", async () => {
    const response = await api("/api/v1/projects/p1/diagnostics/events", {
      method: "POST",
      body: JSON.stringify({ count: -3 }),
      headers: { "content-type": "application/json" },
    });
    const body = await expectProblem(response, 422, "validation_failed");
    expect(body.errors?.[0]?.path).toBe("count");
  });

  it("an invalid query is 422; an invalid project id is 422", async () => {
    await expectProblem(await api("/api/v1/projects/p1/events?after=-1"), 422, "validation_failed");
    await expectProblem(await api("/api/v1/projects/p1/events?limit=5000"), 422, "validation_failed");
    await expectProblem(await api("/api/v1/projects/..%2Fetc/events"), 422, "validation_failed");
  });

  it("a body over the limit is 413", async () => {
    const response = await api("/api/v1/agent/ping", {
      method: "POST",
      body: JSON.stringify({ payload: "x".repeat(1_100_000) }),
      headers: { "content-type": "application/json" },
    });
    await expectProblem(response, 413, "payload_too_large");
  });

  it("unknown routes are 404 problem+json", async () => {
    await expectProblem(await api("/api/v1/nothing-here"), 404, "not_found");
  });

  it("a plain GET on a WebSocket route says it needs an upgrade", async () => {
    await expectProblem(await api("/api/v1/projects/p1/ws"), 400, "bad_request");
  });
});

describe("diagnostics", () => {
  it("a ping to the control plane is answered by the Durable Object alone", async () => {
    const response = await api("/api/v1/agent/ping", {
      method: "POST",
      body: JSON.stringify({ payload: "p", target: "control-plane" }),
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ payload: "p", answeredBy: "control-plane" });
  });

  it("an unknown ping target is 422", async () => {
    const response = await api("/api/v1/agent/ping", {
      method: "POST",
      body: JSON.stringify({ target: "the-moon" }),
      headers: { "content-type": "application/json" },
    });
    expect(response.status).toBe(422);
  });
});

interface DocumentedRoute {
  operationId?: string;
  "x-att-operation"?: string;
  responses: Record<string, unknown>;
  requestBody?: { content: Record<string, { example?: unknown }> };
}

async function openApiDocument() {
  const response = await api("/api/v1/openapi.json");
  expect(response.status).toBe(200);
  return (await response.json()) as { openapi: string; paths: Record<string, Record<string, DocumentedRoute>> };
}

describe("OpenAPI", () => {
  it("is a 3.1 document that lists every route with its methods", async () => {
    const doc = await openApiDocument();
    expect(doc.openapi).toBe("3.1.0");
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    // The list of endpoints, plus the foundation's.
    const required = [
      "GET /api/v1/health",
      "GET /api/v1/openapi.json",
      "GET /api/v1/docs",
      "GET /api/v1/agent/ws",
      "POST /api/v1/agent/ping",
      "GET /api/v1/projects",
      "POST /api/v1/projects",
      "POST /api/v1/projects/download",
      "GET /api/v1/projects/{id}",
      "DELETE /api/v1/projects/{id}",
      "GET /api/v1/projects/{id}/events",
      "GET /api/v1/projects/{id}/ws",
      "GET /api/v1/projects/{id}/files",
      "GET /api/v1/projects/{id}/files/{path}",
      "PUT /api/v1/projects/{id}/files/{path}",
      "GET /api/v1/projects/{id}/files/search",
      "GET /api/v1/projects/{id}/files/diff",
      "GET /api/v1/projects/{id}/git/status",
      "POST /api/v1/projects/{id}/git/commit",
      "POST /api/v1/projects/{id}/git/push",
      "GET /api/v1/projects/{id}/git/branch",
      "POST /api/v1/projects/{id}/git/branch",
      "GET /api/v1/projects/{id}/git/log",
      "GET /api/v1/projects/{id}/git/actions",
      "GET /api/v1/projects/{id}/git/pr",
      "POST /api/v1/projects/{id}/git/pr",
      "POST /api/v1/projects/{id}/git/pr/merge",
      "GET /api/v1/projects/{id}/git/pr/reviews",
      "POST /api/v1/projects/{id}/git/pr/reviews",
      "POST /api/v1/projects/{id}/terminal/run",
      "GET /api/v1/mcp/servers",
      "POST /api/v1/mcp/servers",
      "DELETE /api/v1/mcp/servers/{serverId}",
      "POST /api/v1/mcp/servers/{serverId}/check",
    ];
    expect(required.filter((op) => !operations.includes(op))).toEqual([]);
  });

  it("documents every agent operation once, with a unique operationId, a response schema and body examples", async () => {
    const doc = await openApiDocument();
    const routes = Object.values(doc.paths).flatMap((item) => Object.values(item));
    const ids = routes.map((route) => route.operationId).filter((id) => id !== undefined);
    expect(new Set(ids).size).toBe(ids.length);
    const reached = routes.map((route) => route["x-att-operation"]).filter((op) => op !== undefined);
    // Methods the control plane calls for its own features, not routes of their own: self.* are steps of the
    // self-change workflow (POST /projects/{id}/self/changes), mcp.stdio.* serve the hub's stdio servers (/mcp/...).
    const internal = ["diagnostics.", "self.", "mcp.stdio."];
    const expected = Object.keys(AGENT_METHODS).filter(
      (method) => method !== "agent.ping" && !internal.some((prefix) => method.startsWith(prefix)),
    );
    expect(expected.filter((method) => !reached.includes(method))).toEqual([]);
    for (const route of routes.filter((r) => r["x-att-operation"] !== undefined)) {
      const success = Object.entries(route.responses).find(([status]) => status.startsWith("2"));
      expect(success, route.operationId).toBeDefined();
      const body = route.requestBody?.content["application/json"];
      if (body !== undefined) expect(body.example, route.operationId).toBeDefined();
    }
  });

  it("serves the docs page and its assets without a token, from the bundle", async () => {
    const page = await SELF.fetch(`${BASE}/api/v1/docs`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("swagger-ui-bundle.js");
    const bundle = await SELF.fetch(`${BASE}/api/v1/docs/swagger-ui-bundle.js`);
    expect(bundle.headers.get("content-type")).toContain("javascript");
    expect((await bundle.text()).length).toBeGreaterThan(100_000);
  });
});
