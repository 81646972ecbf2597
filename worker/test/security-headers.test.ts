/**
 * The security-headers middleware inside workerd, on a small Hono app of its
 * own: data and HTML get their policies, a route's own cache policy is kept,
 * errors are covered, a relayed response (immutable headers) is rebuilt, and
 * an accepted WebSocket is left as it is.
 */
import { SELF } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import type { AppBindings } from "../src/env.ts";
import { DATA_POLICY, PAGE_POLICY, securityHeaders } from "../src/http/security-headers.ts";
import { BASE } from "./helpers.ts";

function app(): Hono<AppBindings> {
  const app = new Hono<AppBindings>();
  app.use("*", securityHeaders());
  app.get("/json", (c) => c.json({ ok: true }));
  app.get("/page", (c) => c.html("<!doctype html><title>page</title>"));
  app.get("/cached", (c) =>
    c.body("body {}", 200, { "content-type": "text/css", "cache-control": "public, max-age=60" }),
  );
  app.get("/own-policy", (c) => c.body("x", 200, { "content-security-policy": "sandbox" }));
  app.get("/fails", () => {
    throw new Error("boom");
  });
  app.get("/relayed", () => SELF.fetch(`${BASE}/api/v1/health`));
  app.get("/socket", () => {
    const [client, server] = Object.values(new WebSocketPair());
    server?.accept();
    return new Response(null, { status: 101, webSocket: client ?? null });
  });
  app.onError((_error, c) => c.json({ code: "internal" }, 500));
  return app;
}

function expectProtected(response: Response, policy: string, cache = "no-store") {
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(response.headers.get("content-security-policy")).toBe(policy);
  expect(response.headers.get("cache-control")).toBe(cache);
}

describe("security headers", () => {
  it("protect data with a policy that loads nothing, and are never cached", async () => {
    const response = await app().request("/json");
    expect(response.status).toBe(200);
    expectProtected(response, DATA_POLICY);
    expect(DATA_POLICY).toMatch(/^default-src 'none';.*frame-ancestors 'none'/);
  });

  it("give HTML a page policy, and keep a route's own cache policy or CSP", async () => {
    const application = app();
    expectProtected(await application.request("/page"), PAGE_POLICY);
    expect(PAGE_POLICY).not.toContain("unsafe-inline");
    expectProtected(await application.request("/cached"), DATA_POLICY, "public, max-age=60");
    expectProtected(await application.request("/own-policy"), "sandbox");
  });

  it("cover errors and unknown paths", async () => {
    const application = app();
    const failed = await application.request("/fails");
    expect(failed.status).toBe(500);
    expectProtected(failed, DATA_POLICY);
    const missing = await application.request("/nowhere");
    expect(missing.status).toBe(404);
    expectProtected(missing, DATA_POLICY);
  });

  it("rebuild a relayed response whose headers are immutable", async () => {
    const relayed = await SELF.fetch(`${BASE}/api/v1/health`);
    expect(() => relayed.headers.set("x-probe", "1")).toThrow();
    const response = await app().request("/relayed");
    expect(response.status).toBe(200);
    expectProtected(response, DATA_POLICY);
    expect(await response.json()).toMatchObject({ status: "ok" });
  });

  it("leave an accepted WebSocket as it is", async () => {
    const response = await app().request("/socket");
    expect(response.status).toBe(101);
    expect(response.webSocket).not.toBeNull();
    expect(response.headers.get("content-security-policy")).toBeNull();
    response.webSocket?.accept();
    response.webSocket?.close(1000, "done");
  });
});
