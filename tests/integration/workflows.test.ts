/**
 * The workflow engine on the real stack (wrangler dev + a real agent):
 * ordered and parallel steps, conditions, polling with backoff, retries,
 * approvals, cancellation, whole-workflow timeouts, serialization, every
 * step in the event log, and a control-plane restart in the middle of a
 * running step that neither hangs nor runs the step twice.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { StoredEvent, Workflow, WorkflowStepInput } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpFixtureServer } from "../support/mcp-fixture-server.ts";
import { Stack } from "../support/stack.ts";

let stack: Stack;
let projectId: string;
let projectDir: string;
const fixture = new McpFixtureServer();

beforeAll(async () => {
  stack = await Stack.start();
  await stack.startLinkedAgent();
  const created = await stack.json<{ project: { id: string; path: string } }>("/api/v1/projects", {
    method: "POST",
    body: JSON.stringify({ name: "workflow_demo", template: "empty" }),
  });
  projectId = created.project.id;
  projectDir = created.project.path;
}, 120_000);

afterAll(async () => {
  await fixture.stop();
  await stack?.dispose();
});

const sh = (id: string, command: string, extra: Partial<WorkflowStepInput> = {}): WorkflowStepInput => ({
  id,
  action: { type: "call", method: "terminal.run", params: { projectId, command } },
  ...extra,
});

async function start(body: Record<string, unknown>): Promise<Workflow> {
  const response = await stack.api("/api/v1/workflows", {
    method: "POST",
    body: JSON.stringify({ projectId, ...body }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Workflow;
}

async function settled(id: string, timeoutMs = 60_000): Promise<Workflow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const workflow = await stack.json<Workflow>(`/api/v1/workflows/${id}`);
    if (!["queued", "running"].includes(workflow.status)) return workflow;
    if (Date.now() > deadline)
      throw new Error(`workflow ${id} still ${workflow.status}: ${JSON.stringify(workflow.steps)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stepState(id: string, stepId: string, status: string, timeoutMs = 30_000): Promise<Workflow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const workflow = await stack.json<Workflow>(`/api/v1/workflows/${id}`);
    if (workflow.steps.find((step) => step.id === stepId)?.status === status) return workflow;
    if (Date.now() > deadline) throw new Error(`step ${stepId} never ${status}: ${JSON.stringify(workflow.steps)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const statuses = (workflow: Workflow) => Object.fromEntries(workflow.steps.map((step) => [step.id, step.status]));

async function workflowEvents(workflowId: string): Promise<StoredEvent[]> {
  const { events } = await stack.json<{ events: StoredEvent[] }>(
    `/api/v1/projects/${projectId}/events?limit=1000&after=0`,
  );
  return events.filter((event) => event.payload.workflowId === workflowId);
}

describe("workflows", () => {
  it("runs steps in order and in parallel, fills params from earlier results, skips on a condition, and logs every step", async () => {
    const workflow = await start({
      name: "order and parallel",
      input: { greeting: "hello" },
      steps: [
        sh("a", "echo ${input.greeting} > a.txt; echo a-done"),
        // b and c both depend only on a: they run side by side.
        sh("b", "sleep 1; echo b >> order.txt", { after: ["a"] }),
        sh("c", "echo c >> order.txt", { after: ["a"] }),
        sh("d", "cat a.txt; echo '${steps.a.result.exitCode}'", { after: ["b", "c"] }),
        sh("never", "touch never.txt", { if: [{ path: "steps.d.result.exitCode", op: "ne", value: 0 }] }),
      ],
    });
    expect(workflow.status).toBe("running");
    const done = await settled(workflow.id);
    expect(done.status, JSON.stringify(done)).toBe("succeeded");
    expect(statuses(done)).toEqual({
      a: "succeeded",
      b: "succeeded",
      c: "succeeded",
      d: "succeeded",
      never: "skipped",
    });
    // c did not wait for b's sleep.
    expect(await readFile(path.join(projectDir, "order.txt"), "utf8")).toBe("c\nb\n");
    const d = done.steps.find((step) => step.id === "d")?.result as { output: string };
    expect(d.output).toBe("hello\n0\n");

    const types = (await workflowEvents(workflow.id)).map((event) => `${event.type}:${event.payload.stepId ?? ""}`);
    expect(types[0]).toBe("workflow.started:");
    expect(types.at(-1)).toBe("workflow.succeeded:");
    for (const id of ["a", "b", "c", "d"]) {
      expect(types).toContain(`workflow.step.started:${id}`);
      expect(types).toContain(`workflow.step.succeeded:${id}`);
    }
    expect(types).toContain("workflow.step.skipped:never");
    const started = (await workflowEvents(workflow.id)).find((event) => event.type === "workflow.step.started");
    expect(started?.actor).toBe("user:admin");
    expect(started?.payload).toMatchObject({ method: "terminal.run", attempt: 1, inputs: { projectId } });
  });

  it("polls until a condition holds, and retries a timed-out call with backoff", async () => {
    const workflow = await start({
      name: "poll and retry",
      steps: [
        sh("poll", 'n=$(cat n 2>/dev/null || echo 0); n=$((n+1)); echo $n > n; test "$n" -ge 3', {
          poll: {
            until: [{ path: "result.exitCode", op: "eq", value: 0 }],
            intervalMs: 100,
            maxIntervalMs: 200,
            timeoutMs: 30_000,
          },
        }),
        // The first attempt outlives its 1.5 s limit; the second finds the marker and answers at once.
        sh("retry", "if [ -f once ]; then echo second; else touch once; sleep 4; fi", {
          timeoutMs: 1500,
          retry: { attempts: 3, backoffMs: 200, maxBackoffMs: 1000, factor: 2 },
        }),
      ],
    });
    const done = await settled(workflow.id);
    expect(done.status, JSON.stringify(done)).toBe("succeeded");
    const poll = done.steps.find((step) => step.id === "poll");
    expect(poll?.attempt).toBe(3);
    expect(await readFile(path.join(projectDir, "n"), "utf8")).toBe("3\n");
    const retry = done.steps.find((step) => step.id === "retry");
    expect(retry?.attempt, JSON.stringify(retry)).toBe(2);
    expect(retry?.result).toMatchObject({ output: "second\n" });
    const failures = (await workflowEvents(workflow.id)).filter((event) => event.type === "workflow.step.failed");
    expect(failures.map((event) => (event.payload.error as { code: string }).code)).toEqual(["agent_timeout"]);
    expect(failures[0]?.payload.nextAt).toBeDefined();
  });

  it("waits for an approval, and a rejection fails the workflow while clean-up still runs", async () => {
    const workflow = await start({
      name: "approval",
      steps: [
        { id: "review", action: { type: "approval", prompt: "ship it?" } },
        sh("ship", "touch shipped.txt"),
        sh("cleanup", "touch cleaned.txt", { runWhen: "always" }),
      ],
    });
    const waiting = await stepState(workflow.id, "review", "waiting");
    expect(waiting.steps[0]?.waitingFor).toBe("approval");

    const wrong = await stack.api(`/api/v1/workflows/${workflow.id}/steps/ship/decision`, {
      method: "POST",
      body: JSON.stringify({ approve: true }),
    });
    expect(wrong.status).toBe(409);
    expect(wrong.headers.get("content-type")).toContain("application/problem+json");

    const decided = await stack.api(`/api/v1/workflows/${workflow.id}/steps/review/decision`, {
      method: "POST",
      body: JSON.stringify({ approve: false, comment: "not today" }),
    });
    expect(decided.status).toBe(200);
    const done = await settled(workflow.id);
    expect(done.status).toBe("failed");
    expect(done.error).toMatchObject({ code: "rejected" });
    expect(done.error?.message).toContain("not today");
    expect(statuses(done)).toEqual({ review: "failed", ship: "skipped", cleanup: "succeeded" });
  });

  it("cancels a waiting workflow, and times out one that runs too long", async () => {
    const waiting = await start({ name: "cancel me", steps: [{ id: "wait", action: { type: "delay", ms: 600_000 } }] });
    await stepState(waiting.id, "wait", "waiting");
    const cancelled = await stack.api(`/api/v1/workflows/${waiting.id}/cancel`, { method: "POST" });
    expect(cancelled.status).toBe(200);
    const done = await settled(waiting.id);
    expect(done.status).toBe("cancelled");
    expect(statuses(done)).toEqual({ wait: "cancelled" });
    const again = await stack.api(`/api/v1/workflows/${waiting.id}/cancel`, { method: "POST" });
    expect(again.status).toBe(409);

    const slow = await start({
      name: "too slow",
      timeoutMs: 1500,
      steps: [{ id: "wait", action: { type: "delay", ms: 600_000 } }, sh("after", "true")],
    });
    const timedOut = await settled(slow.id);
    expect(timedOut.status).toBe("failed");
    expect(timedOut.error?.code).toBe("timeout");
    expect(statuses(timedOut)).toEqual({ wait: "cancelled", after: "skipped" });
  });

  it("cancelled while a call runs: the call's answer is still recorded, clean-up runs, a queued one just ends", async () => {
    const running = await start({
      name: "cancel mid-call",
      concurrencyKey: "cancel-demo",
      steps: [
        sh("slow", "sleep 2; echo landed > landed.txt; echo landed"),
        sh("next", "touch next.txt"),
        sh("cleanup", "echo cleaned > cleanup.txt", { runWhen: "always" }),
      ],
    });
    const queued = await start({ name: "behind it", concurrencyKey: "cancel-demo", steps: [sh("x", "touch x.txt")] });
    expect(queued.status).toBe("queued");
    await stepState(running.id, "slow", "running");
    expect((await stack.api(`/api/v1/workflows/${queued.id}/cancel`, { method: "POST" })).status).toBe(200);
    const queuedDone = await settled(queued.id);
    expect(queuedDone.status).toBe("cancelled");
    expect(statuses(queuedDone)).toEqual({ x: "skipped" });
    expect((await stack.api(`/api/v1/workflows/${running.id}/cancel`, { method: "POST" })).status).toBe(200);
    const done = await settled(running.id);
    expect(done.status).toBe("cancelled");
    // The operation in flight ended and its answer is kept: what it did is not hidden.
    expect(statuses(done)).toEqual({ slow: "succeeded", next: "skipped", cleanup: "succeeded" });
    expect(done.steps[0]?.result).toMatchObject({ output: "landed\n" });
    expect(await readFile(path.join(projectDir, "cleanup.txt"), "utf8")).toBe("cleaned\n");
  });

  it("calls a tool of a registered MCP server through the hub, and feeds its answer to the next step", async () => {
    await fixture.start();
    const registered = await stack.api("/api/v1/mcp/servers", {
      method: "POST",
      body: JSON.stringify({ name: "workflow-fixture", url: fixture.url }),
    });
    expect(registered.status).toBe(201);
    const workflow = await start({
      name: "hub tool",
      input: { word: "from-the-hub" },
      steps: [
        { id: "echo", action: { type: "tool", tool: "echo", arguments: { text: "${input.word}" } } },
        sh("use", "echo '${steps.echo.result.result.content.0.text}' > echoed.txt"),
        { id: "missing", action: { type: "tool", tool: "no_such_tool", arguments: {} }, runWhen: "always" },
      ],
    });
    const done = await settled(workflow.id);
    expect(statuses(done)).toEqual({ echo: "succeeded", use: "succeeded", missing: "failed" });
    expect(done.steps[0]).toMatchObject({ kind: "tool", method: "mcp:echo" });
    expect(done.steps[0]?.result).toMatchObject({ serverName: "workflow-fixture", tool: "echo" });
    expect(await readFile(path.join(projectDir, "echoed.txt"), "utf8")).toBe("from-the-hub\n");
    expect(done.steps[2]?.error?.message).toContain("no_such_tool");
  });

  it("runs workflows with the same concurrency key one at a time, in order", async () => {
    const body = (name: string) => ({
      name,
      concurrencyKey: "serial-demo",
      steps: [sh("begin", `echo begin ${name} >> serial.txt; sleep 1`), sh("end", `echo end ${name} >> serial.txt`)],
    });
    const first = await start(body("one"));
    const second = await start(body("two"));
    expect(second.status).toBe("queued");
    expect((await settled(second.id)).status).toBe("succeeded");
    expect((await settled(first.id)).status).toBe("succeeded");
    expect(await readFile(path.join(projectDir, "serial.txt"), "utf8")).toBe(
      "begin one\nend one\nbegin two\nend two\n",
    );
  });

  it("refuses bad definitions with problem+json", async () => {
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ name: "x", steps: [sh("a", "true"), sh("a", "true")] }, 400, "used twice"],
      [{ name: "x", steps: [sh("a", "true", { after: ["b"] }), sh("b", "true")] }, 400, "not an earlier step"],
      [{ name: "x", steps: [sh("a", "echo ${steps.zzz.result}")] }, 400, "not a step it runs after"],
      // b and c run side by side: c cannot read b's result.
      [
        {
          name: "x",
          steps: [
            sh("a", "true"),
            sh("b", "true", { after: ["a"] }),
            sh("c", "echo ${steps.b.result.output}", { after: ["a"] }),
          ],
        },
        400,
        "not a step it runs after",
      ],
      [{ name: "x", steps: [] }, 422, ""],
      [{ name: "x", projectId: "no-such-project", steps: [sh("a", "true")] }, 404, "no project"],
    ];
    for (const [body, status, text] of cases) {
      const response = await stack.api("/api/v1/workflows", {
        method: "POST",
        body: JSON.stringify({ projectId, ...body }),
      });
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect(response.headers.get("content-type")).toContain("application/problem+json");
      if (text !== "") expect(((await response.json()) as { detail: string }).detail).toContain(text);
    }
    const missing = await stack.api(`/api/v1/workflows/${crypto.randomUUID()}`);
    expect(missing.status).toBe(404);
  });

  it("survives a control-plane restart in the middle of a running step without running it twice", async () => {
    const workflow = await start({
      name: "restart",
      steps: [sh("slow", "echo run >> runs.txt; sleep 3; echo slow-done"), sh("after", "echo after >> runs.txt")],
    });
    await stepState(workflow.id, "slow", "running");
    await new Promise((resolve) => setTimeout(resolve, 500)); // the agent has started the command
    await stack.stopControlPlane();
    await stack.startControlPlane();
    await stack.waitForAgent(true, 60_000);
    const done = await settled(workflow.id, 90_000);
    expect(done.status, JSON.stringify(done)).toBe("succeeded");
    expect(done.steps[0]?.result).toMatchObject({ output: "slow-done\n" });
    // The step was asked for again after the restart with the same request id: answered, not run again.
    expect(await readFile(path.join(projectDir, "runs.txt"), "utf8")).toBe("run\nafter\n");
  });
});
