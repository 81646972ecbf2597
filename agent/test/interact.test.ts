/**
 * runtime.send and debug.traces against a real `nat serve` of the chatbot
 * template (NAT 1.9, chat_completion on the offline nat_test_llm): every
 * route returns the test LLM's answer, the WebSocket and /v1/workflow/full
 * return the intermediate steps NAT really emits, and each exchange is
 * stored as a trace. One app serves the whole file.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { IntermediateStep } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNatVenv } from "../../tests/support/nat-venv.ts";
import type { OperationContext } from "../src/operations/context.ts";
import { OperationError } from "../src/operations/errors.ts";
import { AppsStandIn, type ServedApp, serveNat } from "./interact-helpers.ts";
import { projects } from "./projects-helpers.ts";
import { callOperation } from "./support/call.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

let base: TestContext;
let context: OperationContext;
let app: ServedApp | undefined;
let projectId: string;
let idleProjectId: string;
let answer: string;
const apps = new AppsStandIn();

beforeAll(async () => {
  const venv = await ensureNatVenv();
  base = createTestContext({ ATT_NAT_COMMAND: venv.nat, ATT_PYTHON_COMMAND: venv.python });
  context = { ...base, runtime: apps };
  const { project } = await projects.create(context, { name: "interact_app", template: "chatbot" });
  projectId = project.id;
  idleProjectId = (await projects.create(context, { name: "idle_app", template: "chatbot" })).project.id;
  const configFile = project.natConfigPath ?? "configs/config.yml";
  // The answer is the single line of the config's response_seq.
  const config = readFileSync(path.join(project.path, configFile), "utf8");
  answer = /response_seq:\s*\n\s*-\s*"([^"]+)"/.exec(config)?.[1] ?? "";
  expect(answer).toMatch(/^Hello from interact_app!/);
  app = await serveNat({ nat: venv.nat, cwd: project.path, configFile });
  apps.set(projectId, app.url);
}, 600_000);

afterAll(async () => {
  await app?.stop();
  await base?.dispose();
});

const types = (steps: readonly IntermediateStep[]) => steps.map((step) => step.type);

async function rejection(promise: Promise<unknown>): Promise<OperationError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof OperationError)) throw new Error(`expected an OperationError, got ${String(error)}`);
  return error;
}

describe("runtime.send to a real nat serve", () => {
  it.each(["websocket", "chat_completions", "generate", "workflow_full"] as const)(
    "returns the test LLM's answer via %s",
    async (via) => {
      const result = await callOperation(context, "runtime.send", { projectId, message: "Hi there", via });
      expect(result.text, app?.lastLines()).toBe(answer);
      expect(result.durationMs).toBeGreaterThan(0);
      expect(result.traceId).not.toBe("");
    },
    60_000,
  );

  it("returns NAT's function steps over the WebSocket, timed, in its conversation", async () => {
    const result = await callOperation(context, "runtime.send", {
      projectId,
      message: "Hi there",
      via: "websocket",
      conversationId: "conv-interact-1",
    });
    expect(result.conversationId).toBe("conv-interact-1");
    // chat_completion on nat_test_llm: NAT emits no LLM events (the mock is not a LangChain chat model).
    expect(types(result.steps)).toEqual(["FUNCTION_START", "FUNCTION_END"]);
    const [start, end] = result.steps;
    expect(start?.name).toBe("<workflow>");
    expect(end?.id).toBe(start?.id);
    expect(end?.at).not.toBeNull();
    expect(end?.durationMs).toBeGreaterThanOrEqual(0);
    expect(end?.payload).toMatchObject({
      type: "system_intermediate_message",
      content: { name: "Function Complete: <workflow>" },
    });
  }, 60_000);

  it("returns every raw step of /v1/workflow/full with NAT's timing", async () => {
    const result = await callOperation(context, "runtime.send", {
      projectId,
      message: "Hi there",
      via: "workflow_full",
    });
    expect(types(result.steps)).toEqual(["WORKFLOW_START", "FUNCTION_START", "FUNCTION_END", "WORKFLOW_END"]);
    const workflowEnd = result.steps[3];
    expect(workflowEnd?.name).toBe("chat_completion");
    expect(workflowEnd?.durationMs).toBeGreaterThanOrEqual(0);
    expect(workflowEnd?.tokens).toBeNull();
    expect(workflowEnd?.payload).toMatchObject({ type: "WORKFLOW_END", payload: { event_type: "WORKFLOW_END" } });
    expect(result.steps[1]?.parentId).toBe(result.steps[0]?.id);
    expect(result.raw).toEqual({ value: answer });
  }, 60_000);

  it("stores each exchange as a trace, newest first, and finds one by id", async () => {
    const sent = await callOperation(context, "runtime.send", { projectId, message: "trace me", via: "workflow_full" });
    const { traces } = await callOperation(context, "debug.traces", { projectId, limit: 3 });
    expect(traces).toHaveLength(3);
    expect(traces[0]?.id).toBe(sent.traceId);
    expect(traces.map((trace) => trace.createdAt)).toEqual(
      traces
        .map((trace) => trace.createdAt)
        .sort()
        .reverse(),
    );
    const one = await callOperation(context, "debug.traces", { projectId, traceId: sent.traceId });
    expect(one.traces).toHaveLength(1);
    const trace = one.traces[0];
    expect(trace).toMatchObject({ source: "runtime.send", input: "trace me", output: answer, steps: sent.steps });
    expect(trace?.summary).toMatchObject({
      via: "workflow_full",
      steps: 4,
      byType: { WORKFLOW_START: 1, FUNCTION_START: 1, FUNCTION_END: 1, WORKFLOW_END: 1 },
      llmCalls: 0,
      tokens: null,
    });
    const missing = await rejection(callOperation(context, "debug.traces", { projectId, traceId: "no-such-trace" }));
    expect(missing.code).toBe("not_found");
    const other = await callOperation(context, "debug.traces", { projectId: idleProjectId });
    expect(other.traces).toEqual([]);
  }, 60_000);

  it("answers conflict when the project's app is not running", async () => {
    // The real runtime manager: no app of this project runs.
    const error = await rejection(callOperation(base, "runtime.send", { projectId: idleProjectId, message: "hi" }));
    expect(error.code).toBe("conflict");
    expect(error.message).toContain("runtime.start");
    expect(error.details).toMatchObject({ reason: "not_running", state: "stopped" });
  });

  it("answers bad_request for an app served over MCP", async () => {
    const mcpApps = new AppsStandIn();
    mcpApps.set(projectId, "http://127.0.0.1:9", "mcp");
    const mcpContext = { ...context, runtime: mcpApps };
    const error = await rejection(callOperation(mcpContext, "runtime.send", { projectId, message: "hi" }));
    expect(error.code).toBe("bad_request");
    expect(error.message).toContain("MCP client");
  });

  it("answers not_found for an unknown project", async () => {
    const error = await rejection(
      callOperation(context, "runtime.send", { projectId: "no_such_project", message: "hi" }),
    );
    expect(error.code).toBe("not_found");
  });
});
