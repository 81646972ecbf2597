/**
 * The Workflows view's logic: which workflow an event is about, the list
 * kept newest first, the words and countdowns for waiting steps, approval
 * prompts from events, bounded result text, and the refresh queue that
 * turns bursts of events into ordered reads.
 */
import { describe, expect, it } from "vitest";
import type { Schemas } from "../src/lib/api/client.ts";
import { RefreshQueue } from "../src/lib/workflows/refresh.ts";
import {
  elapsedMs,
  isActive,
  kindLabel,
  msUntil,
  pendingApproval,
  progressText,
  promptKey,
  promptOf,
  resultText,
  skipReason,
  upsertWorkflow,
  type Workflow,
  type WorkflowStep,
  waitText,
  workflowIdOf,
} from "../src/lib/workflows/workflow.ts";

const T0 = Date.parse("2026-11-21T10:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();

function step(overrides: Partial<WorkflowStep> = {}): WorkflowStep {
  return {
    id: "tests",
    name: null,
    kind: "call",
    method: "tests.run",
    status: "pending",
    waitingFor: null,
    attempt: 0,
    startedAt: null,
    finishedAt: null,
    durationMs: null,
    nextAt: null,
    result: null,
    error: null,
    ...overrides,
  };
}

function workflow(overrides: Partial<Workflow> = {}): Workflow {
  return {
    id: crypto.randomUUID(),
    projectId: "p",
    name: "demo",
    kind: "custom",
    status: "running",
    actor: "user:admin",
    concurrencyKey: null,
    createdAt: at(0),
    startedAt: at(0),
    finishedAt: null,
    durationMs: null,
    deadlineAt: null,
    error: null,
    input: {},
    steps: [],
    ...overrides,
  };
}

/** A JSON value as it comes off the wire (the generated type cannot spell an object of any shape). */
const wire = (value: unknown): WorkflowStep["result"] => JSON.parse(JSON.stringify(value));

function event(type: Schemas["Event"]["type"], payload: Record<string, unknown>): Schemas["Event"] {
  return { id: crypto.randomUUID(), seq: 1, projectId: "p", type, actor: "user:admin", timestamp: at(0), payload };
}

describe("workflow words", () => {
  it("name the built-in kinds and keep unknown ones", () => {
    expect(kindLabel("self.change")).toBe("Self change");
    expect(kindLabel("custom")).toBe("Custom");
    expect(kindLabel("nightly.report")).toBe("nightly.report");
  });

  it("call queued and running workflows active, finished ones not", () => {
    expect(isActive("queued")).toBe(true);
    expect(isActive("running")).toBe(true);
    for (const status of ["succeeded", "failed", "cancelled"] as const) expect(isActive(status)).toBe(false);
  });

  it("count done steps, skipped ones included", () => {
    const w = workflow({
      steps: [step({ id: "a", status: "succeeded" }), step({ id: "b", status: "skipped" }), step({ id: "c" })],
    });
    expect(progressText(w)).toBe("2 of 3 steps done");
  });
});

describe("events", () => {
  it("name their workflow only for workflow.* events with an id", () => {
    expect(workflowIdOf(event("workflow.step.started", { workflowId: "w1", name: "x" }))).toBe("w1");
    expect(workflowIdOf(event("workflow.succeeded", { name: "x" }))).toBeNull();
    expect(workflowIdOf(event("test.run", { workflowId: "w1" }))).toBeNull();
  });

  it("carry an approval's prompt in workflow.step.waiting, nowhere else", () => {
    const waiting = event("workflow.step.waiting", {
      workflowId: "w1",
      stepId: "review",
      inputs: { prompt: "Ship it?" },
    });
    expect(promptOf(waiting)).toEqual({ key: promptKey("w1", "review"), prompt: "Ship it?" });
    // A delay waits too, with no prompt.
    expect(promptOf(event("workflow.step.waiting", { workflowId: "w1", stepId: "d", inputs: { ms: 5 } }))).toBeNull();
    expect(
      promptOf(event("workflow.step.started", { workflowId: "w1", stepId: "r", inputs: { prompt: "x" } })),
    ).toBeNull();
    expect(
      promptOf(event("workflow.step.waiting", { workflowId: 3, stepId: "r", inputs: { prompt: "x" } })),
    ).toBeNull();
  });
});

describe("the list", () => {
  it("keeps the newest first, replaces a workflow in place and stays within the limit", () => {
    const old = workflow({ createdAt: at(0), name: "old" });
    const mid = workflow({ createdAt: at(1000), name: "mid" });
    const recent = workflow({ createdAt: at(2000), name: "new" });
    let list = upsertWorkflow([], mid);
    list = upsertWorkflow(list, old);
    list = upsertWorkflow(list, recent);
    expect(list.map((w) => w.name)).toEqual(["new", "mid", "old"]);
    list = upsertWorkflow(list, { ...mid, status: "succeeded" });
    expect(list.map((w) => `${w.name}:${w.status}`)).toEqual(["new:running", "mid:succeeded", "old:running"]);
    expect(upsertWorkflow(list, workflow({ createdAt: at(3000), name: "newest" }), 2).map((w) => w.name)).toEqual([
      "newest",
      "new",
    ]);
  });

  it("finds the step that waits for a human", () => {
    const w = workflow({
      steps: [
        step({ id: "wait", status: "waiting", waitingFor: "delay" }),
        step({ id: "review", kind: "approval", method: null, status: "waiting", waitingFor: "approval" }),
      ],
    });
    expect(pendingApproval(w)?.id).toBe("review");
    expect(pendingApproval(workflow({ steps: [step()] }))).toBeNull();
  });
});

describe("times", () => {
  it("count down to a step's next attempt, poll, delay or timeout", () => {
    expect(waitText(step({ status: "waiting", waitingFor: "retry", nextAt: at(4000) }), T0)).toBe("retries in 4.0 s");
    expect(waitText(step({ status: "waiting", waitingFor: "poll", nextAt: at(65_000) }), T0)).toBe(
      "polls again in 1 min 5 s",
    );
    expect(waitText(step({ status: "waiting", waitingFor: "delay", nextAt: at(1500) }), T0)).toBe("resumes in 2.0 s");
    expect(waitText(step({ status: "waiting", waitingFor: "retry", nextAt: at(-50) }), T0)).toBe("retries in a moment");
    expect(waitText(step({ status: "waiting", waitingFor: "approval" }), T0)).toBe("waits for your decision");
    expect(waitText(step({ status: "running", nextAt: at(30_000) }), T0)).toBe("times out in 30.0 s");
    expect(waitText(step({ status: "running" }), T0)).toBeNull();
    expect(waitText(step({ status: "succeeded", nextAt: at(1000) }), T0)).toBeNull();
  });

  it("never count below zero, and ignore what is not a time", () => {
    expect(msUntil(at(-5000), T0)).toBe(0);
    expect(msUntil(at(2500), T0)).toBe(2500);
    expect(msUntil(null, T0)).toBeNull();
    expect(msUntil("soon", T0)).toBeNull();
  });

  it("take a finished workflow's recorded duration and a running one's time so far", () => {
    expect(elapsedMs(workflow({ durationMs: 1234, finishedAt: at(1234) }), T0 + 99_999)).toBe(1234);
    expect(elapsedMs(workflow({ startedAt: at(0) }), T0 + 5000)).toBe(5000);
    expect(elapsedMs(workflow({ status: "queued", startedAt: null }), T0 + 5000)).toBeNull();
  });
});

describe("results", () => {
  it("of skipped steps are their reason", () => {
    const reason = "steps.plan.result.highRisk is falsy";
    expect(skipReason(step({ status: "skipped", result: wire({ reason }) }))).toBe(reason);
    expect(skipReason(step({ status: "succeeded", result: wire({ reason }) }))).toBeNull();
    expect(skipReason(step({ status: "skipped", result: null }))).toBeNull();
  });

  it("are indented JSON, cut when large", () => {
    expect(resultText({ exitCode: 0 })).toEqual({ text: '{\n  "exitCode": 0\n}', total: 19, truncated: false });
    expect(resultText(null).text).toBe("null");
    const big = resultText({ output: "x".repeat(500) }, 100);
    expect(big.truncated).toBe(true);
    expect(big.text).toHaveLength(100);
    expect(big.total).toBeGreaterThan(500);
  });
});

describe("the refresh queue", () => {
  /** A reader whose reads end when the test says so. */
  function reader() {
    const started: string[] = [];
    const ends: Array<() => void> = [];
    const read = (id: string) => {
      started.push(id);
      return new Promise<void>((resolve) => ends.push(resolve));
    };
    return { started, ends, read };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it("turns a burst into one read per workflow", async () => {
    const r = reader();
    const queue = new RefreshQueue({ read: r.read, delayMs: 5 });
    for (let i = 0; i < 5; i += 1) queue.request("a");
    queue.request("b");
    await settle();
    expect(r.started.sort()).toEqual(["a", "b"]);
    queue.close();
  });

  it("reads once more after a read that events arrived during, never two at once", async () => {
    const r = reader();
    const queue = new RefreshQueue({ read: r.read, delayMs: 5 });
    queue.request("a");
    await settle();
    expect(r.started).toEqual(["a"]);
    queue.request("a");
    queue.request("a");
    await settle();
    expect(r.started).toEqual(["a"]); // still in flight: no second read yet
    r.ends[0]?.();
    await settle();
    expect(r.started).toEqual(["a", "a"]);
    r.ends[1]?.();
    await settle();
    expect(r.started).toEqual(["a", "a"]);
    queue.close();
  });

  it("keeps going after a failed read, and stops when closed", async () => {
    const seen: string[] = [];
    const queue = new RefreshQueue({
      read: async (id) => {
        seen.push(id);
        throw new Error("offline");
      },
      delayMs: 5,
    });
    queue.request("a");
    await settle();
    queue.request("a");
    await settle();
    expect(seen).toEqual(["a", "a"]);
    queue.request("a");
    queue.close();
    await settle();
    expect(seen).toEqual(["a", "a"]);
  });
});
