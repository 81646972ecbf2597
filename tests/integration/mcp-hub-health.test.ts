/**
 * Scheduled health checks of the MCP client hub on the real stack (wrangler
 * dev, the Durable Object's alarm): a real SDK server is stopped and started
 * again, and the hub marks it degraded, then unreachable, then healthy,
 * backing off 1, 2, 4, 8 s between retries, while another server keeps being
 * checked. Every change is an mcp.server.status event in the workspace log,
 * live on its WebSocket too, and timers survive a control-plane restart.
 */
import type { McpServer, McpServerStatusPayload, StoredEvent } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURE_TOOLS, McpFixtureServer } from "../support/mcp-fixture-server.ts";
import { register, serverById, waitForServer, workspaceEvents } from "../support/mcp-hub.ts";
import { Stack, type Subscriber } from "../support/stack.ts";

const INTERVAL_MS = 1500;

let stack: Stack;
let live: Subscriber;
const fixture = new McpFixtureServer();

beforeAll(async () => {
  stack = await Stack.start({ controlPlaneVars: { ATT_MCP_CHECK_INTERVAL_MS: String(INTERVAL_MS) } });
  await fixture.start();
  live = stack.subscribe("workspace");
  await live.ready;
}, 120_000);

afterAll(async () => {
  live?.close();
  await fixture.stop();
  await stack?.dispose();
});

const payloadOf = (event: StoredEvent) => event.payload as unknown as McpServerStatusPayload;

describe("scheduled checks", () => {
  let flaky: McpServer;
  let steady: McpServer;

  it("registers two healthy servers and checks them again on the interval", async () => {
    flaky = await register(stack, { name: "flaky", url: fixture.url });
    steady = await register(stack, {
      name: "att-self",
      url: `${stack.url}/mcp`,
      headers: { Authorization: `Bearer ${stack.userToken}` },
    });
    expect(flaky).toMatchObject({ status: "healthy", consecutiveFailures: 0 });
    expect(flaky.capabilities).toEqual(expect.arrayContaining(["tools", "resources"]));
    expect(steady.status).toBe("healthy");
    expect(flaky.nextCheckAt).not.toBeNull();
    const rechecked = await waitForServer(stack, flaky.id, (s) => s.lastCheckedAt !== flaky.lastCheckedAt);
    expect(rechecked.status).toBe("healthy");
  });

  it("stopped: degraded after the first failed check, unreachable after four, backing off 1, 2, 4, 8 s", async () => {
    await fixture.stop();
    const degraded = await waitForServer(stack, flaky.id, (s) => s.status === "degraded");
    expect(degraded.error).toContain("connection refused");
    // The last good snapshot stays, so failover still knows what the server offers.
    expect(degraded.tools.map((t) => t.name).sort()).toEqual(FIXTURE_TOOLS);
    const unreachable = await waitForServer(stack, flaky.id, (s) => s.status === "unreachable");
    expect(unreachable.consecutiveFailures).toBeGreaterThanOrEqual(4);

    const changes = (await workspaceEvents(stack, "mcp.server.status")).filter(
      (e) => payloadOf(e).serverId === flaky.id,
    );
    const toDegraded = changes.find((e) => payloadOf(e).to === "degraded");
    const toUnreachable = changes.find((e) => payloadOf(e).to === "unreachable");
    expect(toDegraded && payloadOf(toDegraded)).toMatchObject({
      from: "healthy",
      consecutiveFailures: 1,
      trigger: "schedule",
    });
    expect(toUnreachable && payloadOf(toUnreachable)).toMatchObject({ from: "degraded", consecutiveFailures: 4 });
    // The retry the hub scheduled when it recorded each change (server-side clock): 1 s, then 8 s.
    const delay = (e: StoredEvent | undefined) =>
      Date.parse(payloadOf(e as StoredEvent).nextCheckAt ?? "") - Date.parse(e?.timestamp ?? "");
    expect(delay(toDegraded)).toBeGreaterThanOrEqual(900);
    expect(delay(toDegraded)).toBeLessThan(2000);
    expect(delay(toUnreachable)).toBeGreaterThanOrEqual(7900);
    expect(delay(toUnreachable)).toBeLessThan(9000);
  });

  it("meanwhile the other server goes on being checked and stays healthy", async () => {
    const before = await serverById(stack, steady.id);
    const after = await waitForServer(stack, steady.id, (s) => s.lastCheckedAt !== before.lastCheckedAt);
    expect(after).toMatchObject({ status: "healthy", consecutiveFailures: 0 });
  });

  it("started again: healthy at the next retry", async () => {
    await fixture.start(fixture.port);
    const healthy = await waitForServer(stack, flaky.id, (s) => s.status === "healthy", 30_000);
    expect(healthy).toMatchObject({ consecutiveFailures: 0, error: null });
    const changes = (await workspaceEvents(stack, "mcp.server.status"))
      .filter((e) => payloadOf(e).serverId === flaky.id)
      .map((e) => [payloadOf(e).from, payloadOf(e).to]);
    expect(changes).toEqual([
      ["unknown", "healthy"],
      ["healthy", "degraded"],
      ["degraded", "unreachable"],
      ["unreachable", "healthy"],
    ]);
  });

  it("status events come from the hub, each with its own correlation id, and arrive live", async () => {
    const events = await workspaceEvents(stack, "mcp.server.status");
    expect(events.every((e) => e.actor === "hub" && e.projectId === "workspace")).toBe(true);
    const ids = events.map((e) => payloadOf(e).correlationId);
    expect(new Set(ids).size).toBe(ids.length);
    await live.waitFor(events.length, 10_000);
    expect(live.events.map((e) => e.id)).toEqual(expect.arrayContaining(events.map((e) => e.id)));
  });

  it("timers survive a control-plane restart", async () => {
    await stack.stopControlPlane();
    await stack.startControlPlane();
    const before = await serverById(stack, flaky.id);
    const after = await waitForServer(stack, flaky.id, (s) => s.lastCheckedAt !== before.lastCheckedAt);
    expect(after.status).toBe("healthy");
  });

  it("a deleted server is no longer checked", async () => {
    expect((await stack.api(`/api/v1/mcp/servers/${flaky.id}`, { method: "DELETE" })).status).toBe(204);
    const seen = fixture.seenHeaders.length;
    // Two intervals with no request from the hub (the other server is ATT itself, not the fixture).
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 2 + 500));
    expect(fixture.seenHeaders.length).toBe(seen);
  });
});
