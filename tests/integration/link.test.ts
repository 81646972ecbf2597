/**
 * The whole path with real processes: wrangler dev (workerd + Durable Objects
 * on disk) and the real att-agent, killed and restarted at awkward moments.
 */
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type SeenEvent, Stack } from "../support/stack.ts";

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.dispose();
  stack = null;
});

function expectCompleteStream(events: SeenEvent[], count: number): void {
  expect(events.map((e) => e.seq)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  expect(events.map((e) => e.payload.index)).toEqual(Array.from({ length: count }, (_, i) => i));
  expect(new Set(events.map((e) => e.id)).size).toBe(count);
}

describe("control plane and agent, for real", () => {
  it("answers /projects through the agent, refuses without a token, documents every route", async () => {
    stack = await Stack.start();
    stack.addProjectDir("hello_nat");
    await stack.startLinkedAgent();

    const project = await stack.projectNamed("hello_nat");
    expect(project).toMatchObject({ status: "created", path: path.join(stack.projectsDir, "hello_nat") });
    expect(await stack.json(`/api/v1/projects/${project.id}`)).toEqual({ project });

    const refused = await stack.api("/api/v1/projects", { token: null });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("content-type")).toBe("application/problem+json");

    const doc = await stack.json<{ openapi: string; paths: Record<string, unknown> }>("/api/v1/openapi.json");
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(["/api/v1/projects", "/api/v1/projects/{id}/events"]),
    );

    const health = await stack.json<{ agent: { capabilities: { git: string; node: string } } }>("/api/v1/health");
    expect(health.agent.capabilities.git).toMatch(/^\d+\.\d+/);
    expect(health.agent.capabilities.node).toMatch(/^24\./);
  });

  it("the agent killed mid-stream of 1,000 events: the subscriber ends with all 1,000, in order, once each", async () => {
    stack = await Stack.start({ eventWindow: 4 });
    stack.addProjectDir("stream");
    const first = await stack.startLinkedAgent();
    const project = await stack.projectNamed("stream");

    const subscriber = stack.subscribe(project.id);
    await subscriber.ready;
    const emitted = await stack.json<{ emitted: number }>(`/api/v1/projects/${project.id}/diagnostics/events`, {
      method: "POST",
      body: JSON.stringify({ count: 1000 }),
    });
    expect(emitted.emitted).toBe(1000);

    await subscriber.waitFor(100);
    first.signal("SIGKILL");
    await first.exited;
    const seenAtKill = subscriber.events.length;
    expect(seenAtKill).toBeLessThan(1000); // the kill really landed mid-stream

    stack.startAgent();
    await subscriber.waitFor(1000);
    await new Promise((resolve) => setTimeout(resolve, 300)); // room for any duplicate to show up
    subscriber.close();
    expectCompleteStream(subscriber.events, 1000);

    // A late subscriber replays the same log: nothing lost or doubled in storage either.
    const late = stack.subscribe(project.id);
    await late.ready;
    late.close();
    expectCompleteStream(late.events, 1000);
  });

  it("a request in flight when the link drops is completed by the next agent", async () => {
    stack = await Stack.start({ agentTimeoutMs: 20_000 });
    const frozen = await stack.startLinkedAgent();

    frozen.signal("SIGSTOP"); // the agent holds the request but cannot answer
    const pending = stack.api("/api/v1/agent/ping", { method: "POST", body: JSON.stringify({ payload: "in-flight" }) });
    await new Promise((resolve) => setTimeout(resolve, 500));
    frozen.signal("SIGKILL");
    await frozen.exited;

    stack.startAgent();
    const response = await pending;
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ payload: "in-flight" });
  });

  it("a request in flight with no agent coming back fails clearly with 504", async () => {
    stack = await Stack.start({ agentTimeoutMs: 3000 });
    const agent = await stack.startLinkedAgent();
    agent.signal("SIGSTOP");
    const pending = stack.api("/api/v1/agent/ping", { method: "POST", body: JSON.stringify({}) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    agent.signal("SIGKILL");
    const response = await pending;
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ code: "agent_timeout" });
  });

  it("restarting the control plane keeps projects and events", async () => {
    stack = await Stack.start();
    stack.addProjectDir("durable");
    await stack.startLinkedAgent();
    const project = await stack.projectNamed("durable");
    await stack.json(`/api/v1/projects/${project.id}/diagnostics/events`, {
      method: "POST",
      body: JSON.stringify({ count: 10 }),
    });
    const subscriber = stack.subscribe(project.id);
    await subscriber.waitFor(10);
    subscriber.close();
    const before = await stack.json<{ events: SeenEvent[] }>(`/api/v1/projects/${project.id}/events`);

    await stack.stopControlPlane();
    await stack.startControlPlane();

    // Stored events answer without the agent; then the agent finds its way back by itself.
    expect(await stack.json(`/api/v1/projects/${project.id}/events`)).toEqual({
      events: before.events,
      nextAfter: 10,
      hasMore: false,
    });
    await stack.waitForAgent();
    expect(await stack.projectNamed("durable")).toMatchObject({ id: project.id });
  });

  it("bad input gets problem+json and the stack keeps serving", async () => {
    stack = await Stack.start();
    await stack.startLinkedAgent();
    const malformed = await stack.api("/api/v1/agent/ping", { method: "POST", body: "{oops" });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: "invalid_json" });
    const unknown = await stack.api("/api/v1/projects/no-such-project/events");
    expect(unknown.status).toBe(404);
    const wrong = await stack.api("/api/v1/projects", { token: stack.agentToken });
    expect(wrong.status).toBe(401);
    expect(
      await stack.json("/api/v1/agent/ping", { method: "POST", body: JSON.stringify({ payload: "still here" }) }),
    ).toMatchObject({
      payload: "still here",
    });
  });
});
