/** The REST surface inside workerd: auth, problem+json, request ids, validation, OpenAPI. */
import { SELF } from "cloudflare:test";
import { Problem } from "@att/shared";
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

describe("OpenAPI", () => {
  it("is a 3.1 document that lists every route with its methods", async () => {
    const response = await api("/api/v1/openapi.json");
    expect(response.status).toBe(200);
    const doc = (await response.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe("3.1.0");
    const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(
      [
        "GET /api/v1/health",
        "GET /api/v1/openapi.json",
        "GET /api/v1/docs",
        "GET /api/v1/projects",
        "GET /api/v1/projects/{id}",
        "GET /api/v1/projects/{id}/events",
        "GET /api/v1/projects/{id}/ws",
        "GET /api/v1/agent/ws",
        "POST /api/v1/agent/ping",
        "POST /api/v1/projects/{id}/diagnostics/events",
      ].sort(),
    );
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
