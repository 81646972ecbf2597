/**
 * The NAT runtime over REST on the real stack, and its faults: the agent's link
 * to the control plane drops while the app runs (the app keeps running; what
 * it logged meanwhile arrives after reconnect, by cursor and as events), and
 * bad input answers problem+json without disturbing the running app.
 */
import type { LogLine, RuntimeStatus, StoredEvent } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../support/stack.ts";

let stack: Stack;
let projectId: string;

beforeAll(async () => {
  stack = await Stack.startLinkedWithNat();
  const created = await stack.json<{ project: { id: string } }>("/api/v1/projects", {
    method: "POST",
    body: JSON.stringify({ name: "rest_app", template: "chatbot" }),
  });
  projectId = created.project.id;
}, 900_000);

afterAll(async () => {
  await stack?.dispose();
});

const post = (pathname: string, body: unknown) =>
  stack.api(pathname, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

describe("the NAT runtime over REST", () => {
  let status: RuntimeStatus;

  it("starts the app and reports it running", async () => {
    const response = await post(`/api/v1/projects/${projectId}/runtime/start`, {});
    expect(response.status).toBe(200);
    ({ status } = (await response.json()) as { status: RuntimeStatus });
    expect(status.state).toBe("running");
    expect(status.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("answers bad input with problem+json and keeps the app running", async () => {
    const badRegex = await stack.api(`/api/v1/projects/${projectId}/debug/logs?pattern=(`);
    expect(badRegex.status).toBe(400);
    expect(badRegex.headers.get("content-type")).toContain("application/problem+json");
    const twice = await post(`/api/v1/projects/${projectId}/runtime/start`, {});
    expect(twice.status).toBe(409);
    expect(((await twice.json()) as { code: string }).code).toBe("conflict");
    const badBody = await post(`/api/v1/projects/${projectId}/runtime/start`, { port: 80 });
    expect(badBody.status).toBe(422);
    const unknown = await post("/api/v1/projects/no_such_project/runtime/start", {});
    expect(unknown.status).toBe(404);
    expect((await fetch(`${status.url}/health`)).status).toBe(200);
  });

  it("keeps the app running while the link is down and delivers what it logged meanwhile", async () => {
    const before = await stack.json<{ status: RuntimeStatus }>(`/api/v1/projects/${projectId}/runtime/status`);
    const cursor = before.status.logCursor;
    await stack.stopControlPlane();
    // The app serves on without the control plane; each request is an access-log line.
    for (let i = 0; i < 5; i += 1) {
      const answer = await fetch(`${status.url}/generate`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ input_message: `while offline ${i}` }),
      });
      expect(answer.status).toBe(200);
    }
    await stack.startControlPlane();
    await stack.waitForAgent();

    const after = await stack.json<{ status: RuntimeStatus }>(`/api/v1/projects/${projectId}/runtime/status`);
    expect(after.status).toMatchObject({ state: "running", pid: status.pid });
    const { lines } = await stack.json<{ lines: LogLine[] }>(
      `/api/v1/projects/${projectId}/runtime/logs?after=${cursor}&limit=5000`,
    );
    const offline = lines.filter((line) => line.text.includes("POST /generate"));
    expect(offline).toHaveLength(5);
    // The same lines reached the event log as runtime.log events once the link was back.
    const lastCursor = Math.max(...offline.map((line) => line.cursor));
    const deadline = Date.now() + 30_000;
    let delivered = false;
    while (!delivered && Date.now() < deadline) {
      const events = await stack.eventsOfType(projectId, "runtime.log", 1);
      delivered = events.some((event: StoredEvent) => Number(event.payload.lastCursor) >= lastCursor);
      if (!delivered) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(delivered).toBe(true);
  });

  it("stops the app; stopping again is a conflict", async () => {
    const stopped = await post(`/api/v1/projects/${projectId}/runtime/stop`, {});
    expect(stopped.status).toBe(200);
    expect(((await stopped.json()) as { status: RuntimeStatus }).status.state).toBe("stopped");
    await expect(fetch(`${status.url}/health`)).rejects.toThrow();
    const again = await post(`/api/v1/projects/${projectId}/runtime/stop`, {});
    expect(again.status).toBe(409);
  });
});
