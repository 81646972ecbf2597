/**
 * The control plane killed outright: wrangler dev's whole process group gets
 * SIGKILL while a command streams lines into the event log, one workflow's
 * step runs on the agent and another waits on a timer. Restarted on the same
 * state and port, it must still have the projects, the events (no gap, no
 * duplicate seq), and both workflows, which finish without running a step
 * twice; the agent and a subscriber come back by themselves.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Project, Workflow, WorkflowStepInput } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lineProducerCommand, linesOf } from "../support/line-producer.ts";
import { ResumingSubscriber, sequenceProblems } from "../support/resuming-subscriber.ts";
import { Stack } from "../support/stack.ts";

const LINES = 3000;
/** The producer prints its lines over about this long; the kill lands in the middle. */
const PRODUCER_MS = 12_000;

let stack: Stack;
let projectId: string;
let projectDir: string;

beforeAll(async () => {
  stack = await Stack.start({ agentTimeoutMs: 20_000 });
  await stack.startLinkedAgent();
  const created = await stack.json<{ project: { id: string; path: string } }>("/api/v1/projects", {
    method: "POST",
    body: JSON.stringify({ name: "fault_restart", template: "empty" }),
  });
  projectId = created.project.id;
  projectDir = created.project.path;
}, 120_000);

afterAll(async () => {
  await stack?.dispose();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const sh = (id: string, command: string): WorkflowStepInput => ({
  id,
  action: { type: "call", method: "terminal.run", params: { projectId, command } },
});

async function startWorkflow(body: Record<string, unknown>): Promise<Workflow> {
  return stack.json<Workflow>("/api/v1/workflows", { method: "POST", body: JSON.stringify({ projectId, ...body }) });
}

/** Polls until `ready` holds for the workflow (transient failures while the control plane is away are retried). */
async function workflowWhen(id: string, what: string, ready: (w: Workflow) => boolean, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const response = await stack.api(`/api/v1/workflows/${id}`).catch(() => null);
    if (response?.ok) {
      const workflow = (await response.json()) as Workflow;
      if (ready(workflow)) return workflow;
      last = JSON.stringify(workflow.steps.map((s) => [s.id, s.status]));
    }
    if (Date.now() > deadline) throw new Error(`workflow ${id}: ${what} not within ${timeoutMs} ms (${last})`);
    await sleep(100);
  }
}

const stepStatus = (workflow: Workflow, stepId: string) => workflow.steps.find((s) => s.id === stepId)?.status;
const ended = (workflow: Workflow) => !["queued", "running"].includes(workflow.status);

describe("the control plane killed mid-run", () => {
  it("comes back on the same state with projects, events and workflows intact; the agent relinks by itself", async () => {
    const agentBefore = await stack.json<{ agent: { agentId: string } }>("/api/v1/health");
    const projectsBefore = await stack.json<{ projects: Project[] }>("/api/v1/projects");
    const subscriber = new ResumingSubscriber({
      origin: () => `ws://127.0.0.1:${stack.port}`,
      projectId,
      token: stack.userToken,
      retryMs: 200,
    });
    await subscriber.start();

    // Three things in flight: a stream of lines, a step running on the agent, a step waiting on a timer.
    const runId = crypto.randomUUID();
    const producer = stack
      .api(`/api/v1/projects/${projectId}/terminal/run`, {
        method: "POST",
        body: JSON.stringify({
          command: lineProducerCommand({ lines: LINES, durationMs: PRODUCER_MS }),
          timeoutMs: 120_000,
          runId,
        }),
        signal: AbortSignal.timeout(120_000),
      })
      .catch((error: unknown) => error); // its HTTP request dies with the control plane
    const running = await startWorkflow({
      name: "running through a kill",
      steps: [sh("slow", "echo run >> running.txt; sleep 4; echo slow-done"), sh("after", "echo after >> running.txt")],
    });
    const waiting = await startWorkflow({
      name: "waiting through a kill",
      steps: [{ id: "wait", action: { type: "delay", ms: 4000 } }, sh("then", "echo then >> waited.txt")],
    });
    await workflowWhen(running.id, "slow running", (w) => stepStatus(w, "slow") === "running", 30_000);
    await workflowWhen(waiting.id, "wait waiting", (w) => stepStatus(w, "wait") === "waiting", 30_000);
    await sleep(500); // the agent has started the slow command
    await subscriber.waitUntil("some lines", (events) => linesOf(events, runId).length >= 300, 30_000);
    const linesAtKill = linesOf(subscriber.events, runId).length;

    const killedAt = Date.now();
    await stack.killControlPlane();
    await sleep(1500); // the agent keeps producing into its outbox and keeps trying to reconnect
    await stack.startControlPlane();
    const upAt = Date.now();
    await stack.waitForAgent(true, 60_000);
    const relinkedAt = Date.now();

    const runningDone = await workflowWhen(running.id, "an end", ended, 90_000);
    const waitingDone = await workflowWhen(waiting.id, "an end", ended, 90_000);
    await subscriber.waitUntil(
      "the producer's exit",
      (events) => events.some((e) => e.type === "terminal.exit" && e.payload.runId === runId),
      90_000,
    );
    await subscriber.waitUntil(
      "both workflows' ends",
      (events) => events.filter((e) => e.type === "workflow.succeeded" || e.type === "workflow.failed").length >= 2,
      30_000,
    );
    await sleep(500); // room for any duplicate to show up
    subscriber.close();
    await producer;

    console.log(
      JSON.stringify({
        linesAtKill,
        lines: linesOf(subscriber.events, runId).length,
        events: subscriber.events.length,
        subscriberConnects: subscriber.connects,
        downMs: upAt - killedAt,
        relinkMs: relinkedAt - upAt,
      }),
    );
    // The kill landed mid-stream, and nothing was lost or doubled across it.
    expect(linesAtKill).toBeLessThan(LINES);
    expect(subscriber.malformed).toEqual([]);
    expect(sequenceProblems(subscriber.events)).toEqual([]);
    expect(linesOf(subscriber.events, runId)).toEqual(Array.from({ length: LINES }, (_, i) => `line ${i + 1}`));
    const replayed = new ResumingSubscriber({
      origin: () => `ws://127.0.0.1:${stack.port}`,
      projectId,
      token: stack.userToken,
    });
    await replayed.start();
    replayed.close();
    expect(replayed.events.map((e) => e.id)).toEqual(subscriber.events.map((e) => e.id));

    // Projects and the agent are the same ones.
    expect((await stack.json<{ projects: Project[] }>("/api/v1/projects")).projects).toEqual(projectsBefore.projects);
    const health = await stack.json<{ agent: { agentId: string; connected: boolean } }>("/api/v1/health");
    expect(health.agent).toMatchObject({ connected: true, agentId: agentBefore.agent.agentId });

    // Both workflows finished, and no step ran twice.
    expect(runningDone.status, JSON.stringify(runningDone)).toBe("succeeded");
    expect(runningDone.steps[0]?.result).toMatchObject({ output: "slow-done\n" });
    expect(await readFile(path.join(projectDir, "running.txt"), "utf8")).toBe("run\nafter\n");
    expect(waitingDone.status, JSON.stringify(waitingDone)).toBe("succeeded");
    expect(await readFile(path.join(projectDir, "waited.txt"), "utf8")).toBe("then\n");
  }, 300_000);
});
