/**
 * LLM steps and token usage as NAT 1.9 really reports them. NAT's offline
 * test LLM emits no LLM events, so here the chatbot's workflow uses NAT's
 * `openai` LLM type against a small OpenAI-compatible server started by the
 * test (standing in for the model provider, not for any ATT code); NAT's
 * LangChain callback then reports LLM_START/LLM_END with the usage the
 * server returned.
 */
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import type { IntermediateStep } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNatVenv } from "../../tests/support/nat-venv.ts";
import type { OperationContext } from "../src/operations/context.ts";
import { AppsStandIn, type ServedApp, serveNat } from "./interact-helpers.ts";
import { projects } from "./projects-helpers.ts";
import { callOperation } from "./support/call.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

const MODEL = "provider-model";
const REPLY = "pong from the provider";
const USAGE = { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 };
const LLM_DELAY_MS = 60;

let base: TestContext;
let context: OperationContext;
let provider: Server;
let app: ServedApp | undefined;
let projectId: string;

/** Answers every chat completion with REPLY and USAGE after LLM_DELAY_MS. */
function startProvider(): Promise<number> {
  provider = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      setTimeout(() => {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(
          JSON.stringify({
            id: "chatcmpl-test",
            object: "chat.completion",
            created: 1,
            model: MODEL,
            choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: REPLY } }],
            usage: USAGE,
          }),
        );
      }, LLM_DELAY_MS);
    });
  });
  return new Promise((resolve) => {
    provider.listen(0, "127.0.0.1", () => {
      const address = provider.address();
      resolve(typeof address === "object" && address !== null ? address.port : 0);
    });
  });
}

beforeAll(async () => {
  const venv = await ensureNatVenv();
  base = createTestContext({ ATT_NAT_COMMAND: venv.nat, ATT_PYTHON_COMMAND: venv.python });
  const apps = new AppsStandIn();
  context = { ...base, runtime: apps };
  const { project } = await projects.create(context, { name: "llm_app", template: "chatbot" });
  projectId = project.id;
  const port = await startProvider();
  const configFile = "configs/provider.yml";
  writeFileSync(
    path.join(project.path, configFile),
    [
      "llms:",
      "  main:",
      "    _type: openai",
      `    base_url: http://127.0.0.1:${port}/v1`,
      "    api_key: not-a-real-key",
      `    model_name: ${MODEL}`,
      "workflow:",
      "  _type: chat_completion",
      "  llm_name: main",
      "",
    ].join("\n"),
  );
  app = await serveNat({ nat: venv.nat, cwd: project.path, configFile });
  apps.set(projectId, app.url);
}, 600_000);

afterAll(async () => {
  await app?.stop();
  await new Promise((resolve) => provider?.close(resolve));
  await base?.dispose();
});

const byType = (steps: readonly IntermediateStep[], type: string) => steps.filter((step) => step.type === type);

describe("LLM steps from a real nat serve", () => {
  it("/v1/workflow/full reports LLM_START and LLM_END with NAT's token usage and timing", async () => {
    const result = await callOperation(context, "runtime.send", { projectId, message: "ping", via: "workflow_full" });
    expect(result.text).toBe(REPLY);
    expect(result.steps.map((step) => step.type)).toEqual([
      "WORKFLOW_START",
      "FUNCTION_START",
      "LLM_START",
      "LLM_END",
      "FUNCTION_END",
      "WORKFLOW_END",
    ]);
    const [start] = byType(result.steps, "LLM_START");
    const [end] = byType(result.steps, "LLM_END");
    expect(start?.name).toBe(MODEL);
    expect(start?.tokens).toBeNull(); // NAT sends zeroed usage on the start; the counts come with the end
    expect(end?.id).toBe(start?.id);
    expect(end?.tokens).toEqual({ prompt: 11, completion: 3, total: 14 });
    expect(end?.durationMs).toBeGreaterThanOrEqual(LLM_DELAY_MS - 5);
    expect(end?.payload).toMatchObject({
      type: "LLM_END",
      payload: { event_type: "LLM_END", framework: "langchain", data: { output: REPLY } },
    });
    const { traces } = await callOperation(context, "debug.traces", { projectId, traceId: result.traceId });
    expect(traces[0]?.summary).toMatchObject({ llmCalls: 1, tokens: { prompt: 11, completion: 3, total: 14 } });
  }, 60_000);

  it("the WebSocket reports the LLM call once, as start and end, timed", async () => {
    const result = await callOperation(context, "runtime.send", { projectId, message: "ping", via: "websocket" });
    expect(result.text).toBe(REPLY);
    expect(result.steps.map((step) => step.type)).toEqual(["FUNCTION_START", "LLM_START", "LLM_END", "FUNCTION_END"]);
    const [end] = byType(result.steps, "LLM_END");
    expect(end?.tokens).toBeNull(); // the WebSocket's steps are markdown without usage
    expect(end?.durationMs).toBeGreaterThanOrEqual(LLM_DELAY_MS - 5);
    const { traces } = await callOperation(context, "debug.traces", { projectId, traceId: result.traceId });
    expect(traces[0]?.summary).toMatchObject({ llmCalls: 1, tokens: null });
  }, 60_000);
});
