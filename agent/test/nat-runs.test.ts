/**
 * nat.run, nat.eval and nat.runs with the real NAT (the test venv, which
 * has nvidia-nat-eval and nvidia-nat-profiler): the chatbot template answers
 * through `nat run`, and an offline eval fixture records NAT's output files,
 * evaluator results and profiler metrics in ATT's own folder.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNatVenv } from "../../tests/support/nat-venv.ts";
import { stopRuns } from "../src/operations/runs/index.ts";
import { fixtureProject } from "./fixtures/runs/support.ts";
import { callOperation } from "./support/call.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

const NAT_TIMEOUT_MS = 240_000;

let ctx: TestContext;
let chatbot: { id: string; path: string; name: string };
let evalProject: { id: string; path: string };

beforeAll(async () => {
  const venv = await ensureNatVenv();
  ctx = createTestContext({ ATT_NAT_COMMAND: venv.nat, ATT_PYTHON_COMMAND: venv.python });
  const { project } = await callOperation(ctx, "projects.create", { name: "chat_runs", template: "chatbot" });
  chatbot = { id: project.id, path: project.path, name: project.name };
  evalProject = await fixtureProject(ctx, "eval_runs", "eval");
}, 30 * 60_000);

afterAll(async () => {
  await stopRuns();
  ctx?.dispose();
});

const events = () => ctx.outbox.after(0, 1000).map((entry) => entry.event);

describe("nat.run", () => {
  it(
    "runs the chatbot once and returns the test LLM's answer",
    async () => {
      const { run } = await callOperation(ctx, "nat.run", { projectId: chatbot.id, input: "--hello there" });
      expect(run, run.outputTail).toMatchObject({
        kind: "run",
        status: "passed",
        exitCode: 0,
        configPath: "configs/config.yml",
        input: "--hello there",
        reason: null,
        eval: null,
      });
      expect(run.result).toBe(
        `Hello from ${chatbot.name}! I am NAT's offline test LLM; see README.md to use a real model.`,
      );
      expect(run.outputTail).toContain("Workflow Result:");
      expect(run.outputTail).not.toContain("\u001b[");
      const started = events().find((event) => event.type === "nat.run" && event.payload.runId === run.id);
      expect(started?.payload).toMatchObject({ kind: "run" });
      const completed = events().find((event) => event.type === "nat.completed" && event.payload.runId === run.id);
      expect(completed?.payload).toEqual({ runId: run.id, kind: "run", status: "passed" });
    },
    NAT_TIMEOUT_MS,
  );

  it(
    "records NAT's own message for a config it rejects",
    async () => {
      mkdirSync(path.join(chatbot.path, "configs"), { recursive: true });
      writeFileSync(
        path.join(chatbot.path, "configs", "bad.yml"),
        "llms:\n  main:\n    _type: no_such_llm\nworkflow:\n  _type: chat_completion\n  llm_name: main\n",
      );
      const { run } = await callOperation(ctx, "nat.run", {
        projectId: chatbot.id,
        input: "hi",
        configPath: "configs/bad.yml",
      });
      expect(run.status).toBe("failed");
      expect(run.exitCode).not.toBe(0);
      expect(run.result).toBeNull();
      expect(run.reason).toContain("no_such_llm");
    },
    NAT_TIMEOUT_MS,
  );

  it("refuses a missing config and a missing nat before running anything", async () => {
    await expect(
      callOperation(ctx, "nat.run", { projectId: chatbot.id, input: "hi", configPath: "configs/none.yml" }),
    ).rejects.toMatchObject({ code: "precondition_failed" });
    await expect(
      callOperation(ctx, "nat.run", { projectId: chatbot.id, input: "hi", configPath: "../outside.yml" }),
    ).rejects.toMatchObject({ code: "forbidden" });
    const noNat = createTestContext({ ATT_NAT_COMMAND: "att-no-such-nat" });
    try {
      const { project } = await callOperation(noNat, "projects.create", { name: "no_nat", template: "chatbot" });
      const refused = callOperation(noNat, "nat.run", { projectId: project.id, input: "hi" });
      await expect(refused).rejects.toMatchObject({ code: "precondition_failed" });
      await expect(refused).rejects.toThrow(/pip install/);
      expect(noNat.outbox.after(0, 100).some((entry) => entry.event.type === "nat.run")).toBe(false);
    } finally {
      noNat.dispose();
    }
  });
});

describe("nat.eval", () => {
  it(
    "records the output files, evaluator results and profiler metrics in ATT's folder",
    async () => {
      const { run } = await callOperation(ctx, "nat.eval", {
        projectId: evalProject.id,
        configPath: "configs/eval.yml",
      });
      expect(run, run.outputTail).toMatchObject({ kind: "eval", status: "passed", exitCode: 0, input: null });
      const record = run.eval;
      expect(record?.outputDir).toBe(path.join(ctx.config.stateDir, "runs", run.id, "eval"));
      const names = record?.files.map((file) => file.name) ?? [];
      expect(names).toEqual(
        expect.arrayContaining([
          "workflow_output.json",
          "exact_output.json",
          "runtime_output.json",
          "workflow_profiling_metrics.json",
          "inference_optimization.json",
        ]),
      );
      expect(record?.files.every((file) => file.bytes > 0)).toBe(true);
      expect(record?.workflowOutput).toEqual([
        expect.objectContaining({ id: 1, question: "What is the capital of France?", generated_answer: "Paris" }),
        expect.objectContaining({ id: 2, answer: "4", generated_answer: "4" }),
      ]);
      expect(Object.keys(record?.evaluators ?? {}).sort()).toEqual(["exact", "runtime"]);
      expect(record?.evaluators.exact).toMatchObject({ average_score: 1 });
      expect(record?.evaluators.runtime?.average_score).toEqual(expect.any(Number));
      const profiler = record?.profiler ?? {};
      expect(profiler["inference_optimization.json"]).toMatchObject({
        workflow_runtimes: { p95: expect.any(Number) },
      });
      expect(profiler["workflow_profiling_metrics.json"]).toHaveProperty("nested_stack_analysis");
      // NAT's default folder in the project stays untouched.
      expect(existsSync(path.join(evalProject.path, ".tmp"))).toBe(false);
      const completed = events().find((event) => event.type === "nat.completed" && event.payload.runId === run.id);
      expect(completed?.payload).toEqual({ runId: run.id, kind: "eval", status: "passed" });
    },
    NAT_TIMEOUT_MS,
  );

  it(
    "never lets NAT empty a project folder named in eval.general.output.dir",
    async () => {
      const keep = path.join(evalProject.path, "keep");
      mkdirSync(keep, { recursive: true });
      writeFileSync(path.join(keep, "precious.txt"), "mine\n");
      const { run } = await callOperation(ctx, "nat.eval", {
        projectId: evalProject.id,
        configPath: "configs/eval-output-dir.yml",
        dataset: "data/qa.json",
      });
      expect(run.status, run.outputTail).toBe("passed");
      expect(readdirSync(keep)).toEqual(["precious.txt"]);
      expect(run.eval?.files.map((file) => file.name)).toContain("workflow_output.json");
      // The dataset's second answer is 4, the test LLM says 5: exact_match scores one of two.
      expect(run.eval?.evaluators.exact).toMatchObject({ average_score: 0.5 });
      expect(run.command).toEqual(expect.arrayContaining([`--dataset=${path.join(evalProject.path, "data/qa.json")}`]));
      await expect(
        callOperation(ctx, "nat.eval", {
          projectId: evalProject.id,
          configPath: "configs/eval.yml",
          dataset: "data/none.json",
        }),
      ).rejects.toMatchObject({ code: "not_found" });
    },
    NAT_TIMEOUT_MS,
  );
});

describe("nat.runs", () => {
  it("lists a project's runs newest first and reads one by id", async () => {
    const { runs } = await callOperation(ctx, "nat.runs", { projectId: evalProject.id });
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.every((run) => run.kind === "eval")).toBe(true);
    const times = runs.map((run) => run.startedAt);
    expect([...times].sort().reverse()).toEqual(times);
    const [newest] = runs;
    expect((await callOperation(ctx, "nat.runs", { projectId: evalProject.id, runId: newest?.id ?? "" })).runs).toEqual(
      [newest],
    );
    expect((await callOperation(ctx, "nat.runs", { projectId: evalProject.id, limit: 1 })).runs).toHaveLength(1);
    const chat = await callOperation(ctx, "nat.runs", { projectId: chatbot.id });
    expect(chat.runs.map((run) => run.kind)).toEqual(["run", "run"]);
    await expect(
      callOperation(ctx, "nat.runs", { projectId: chatbot.id, runId: newest?.id ?? "" }),
    ).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
