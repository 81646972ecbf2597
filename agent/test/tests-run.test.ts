/**
 * tests.run and tests.results against real pytest (the NAT test venv's
 * Python, which has pytest-cov) and real vitest, on fixture projects in the
 * test's projects root. The plain-pytest fixtures turn off the venv's plugin
 * autoload (NAT's pytest plugin takes seconds to import) and load only
 * pytest-cov, through the run's own environment.
 */
import { existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { TestRun } from "@att/shared";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureNatVenv, type NatVenv } from "../../tests/support/nat-venv.ts";
import { reapOrphanedRuns, stopRuns } from "../src/operations/runs/index.ts";
import { saveRun } from "../src/operations/runs/store.ts";
import { runs } from "../src/state/schema.ts";
import { eventually, fixtureProject, isAlive, liveGroupMembers, settled } from "./fixtures/runs/support.ts";
import { callOperation } from "./support/call.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

const QUICK_PYTEST = { PYTEST_DISABLE_PLUGIN_AUTOLOAD: "1", PYTEST_PLUGINS: "pytest_cov.plugin" };
const repoRoot = path.resolve(import.meta.dirname, "../..");

let venv: NatVenv;
let ctx: TestContext;

beforeAll(async () => {
  venv = await ensureNatVenv();
}, 30 * 60_000);

afterEach(async () => {
  await stopRuns();
  ctx?.dispose();
});

function context(env: NodeJS.ProcessEnv = {}): TestContext {
  ctx = createTestContext({ ATT_NAT_COMMAND: venv.nat, ATT_PYTHON_COMMAND: venv.python, ...env });
  return ctx;
}

const events = () => ctx.outbox.after(0, 1000).map((entry) => entry.event);

async function pytestProject(fixture: string): Promise<string> {
  return (await fixtureProject(ctx, fixture, `pytest/${fixture}`)).id;
}

describe("tests.run with pytest", () => {
  it("runs a passing suite, records it, announces it and reads it back", async () => {
    context();
    const projectId = await pytestProject("basic");
    const { run } = await callOperation(ctx, "tests.run", { projectId, env: QUICK_PYTEST });
    expect(run).toMatchObject({
      framework: "pytest",
      status: "passed",
      exitCode: 0,
      reason: null,
      failures: [],
      counts: { total: 4, passed: 4, failed: 0, skipped: 0, errors: 0, xfailed: 0, xpassed: 0 },
    });
    expect(run.command.slice(1, 3)).toEqual(["-m", "pytest"]);
    expect(run.durationMs).toBeGreaterThan(0);
    expect(run.outputTail).toContain("4 passed");
    expect(run.finishedAt).not.toBeNull();

    const started = events().find((event) => event.type === "test.run");
    expect(started?.payload).toMatchObject({ runId: run.id, framework: "pytest" });
    const passed = events().find((event) => event.type === "test.passed");
    expect(passed?.payload).toMatchObject({ runId: run.id, status: "passed", counts: { passed: 4 } });

    expect((await callOperation(ctx, "tests.results", { projectId })).run).toEqual(run);
    expect((await callOperation(ctx, "tests.results", { projectId, runId: run.id })).run).toEqual(run);
    await expect(callOperation(ctx, "tests.results", { projectId, runId: "no-such-run" })).rejects.toMatchObject({
      code: "not_found",
    });
    // Nothing of the run lands in the project.
    const project = (await ctx.catalog.list()).find((p) => p.id === projectId);
    expect(existsSync(path.join(project?.path ?? "", ".coverage"))).toBe(false);
    expect(existsSync(path.join(project?.path ?? "", ".pytest_cache"))).toBe(false);
  });

  it("parses failures with tracebacks, errors, skips, xfail and xpass", async () => {
    context();
    const projectId = await pytestProject("mixed");
    const { run } = await callOperation(ctx, "tests.run", { projectId, env: QUICK_PYTEST });
    expect(run.status).toBe("failed");
    expect(run.exitCode).toBe(1);
    expect(run.counts).toEqual({ total: 9, passed: 2, failed: 3, skipped: 1, errors: 1, xfailed: 1, xpassed: 1 });
    const byId = new Map(run.failures.map((failure) => [failure.id, failure]));
    expect([...byId.keys()].sort()).toEqual([
      "tests/test_mixed.py::test_error",
      "tests/test_mixed.py::test_fail",
      "tests/test_mixed.py::test_raises",
      "tests/test_mixed.py::test_xpass_strict",
    ]);
    const fail = byId.get("tests/test_mixed.py::test_fail");
    expect(fail).toMatchObject({ kind: "failure", file: "tests/test_mixed.py", line: 10 });
    expect(fail?.message).toContain("AssertionError: math is broken");
    expect(fail?.traceback).toContain("assert total == 3");
    const raises = byId.get("tests/test_mixed.py::test_raises");
    expect(raises).toMatchObject({ message: "ValueError: deep & <bad>", file: "tests/test_mixed.py", line: 14 });
    expect(raises?.traceback).toContain("helper()");
    expect(byId.get("tests/test_mixed.py::test_error")).toMatchObject({ kind: "error", line: 38 });
    expect(byId.get("tests/test_mixed.py::test_error")?.message).toContain("fixture broke");
    expect(events().find((event) => event.type === "test.failed")?.payload).toMatchObject({
      runId: run.id,
      status: "failed",
    });
  });

  it("selects by -k, -m, node id and suite folder", async () => {
    context();
    const projectId = await pytestProject("basic");
    const run = async (params: { keyword?: string; marker?: string; paths?: string[]; suite?: "unit" | "e2e" }) =>
      (await callOperation(ctx, "tests.run", { projectId, env: QUICK_PYTEST, ...params })).run;

    const keyword = await run({ keyword: "describe" });
    expect(keyword.counts).toMatchObject({ total: 2, passed: 2 });
    const marker = await run({ marker: "smoke" });
    expect(marker.counts).toMatchObject({ total: 1, passed: 1 });
    const nodeId = await run({ paths: ["tests/test_calc.py::test_describe_small"] });
    expect(nodeId.counts).toMatchObject({ total: 1, passed: 1 });
    expect(nodeId.command.at(-1)).toBe("tests/test_calc.py::test_describe_small");
    const suite = await run({ suite: "unit" });
    expect(suite).toMatchObject({ status: "passed", counts: { total: 1, passed: 1 } });

    await expect(run({ suite: "e2e" })).rejects.toMatchObject({ code: "not_found" });
    await expect(run({ paths: ["tests/missing.py"] })).rejects.toMatchObject({ code: "not_found" });
    await expect(run({ paths: ["../outside.py::test_x"] })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("reports no tests collected and a syntax error in a test file distinctly", async () => {
    context();
    const basic = await pytestProject("basic");
    const none = (
      await callOperation(ctx, "tests.run", { projectId: basic, keyword: "nothing_matches", env: QUICK_PYTEST })
    ).run;
    expect(none).toMatchObject({ status: "no_tests", exitCode: 5, counts: { total: 0 } });
    expect(none.reason).toContain("no tests");

    const broken = await pytestProject("broken");
    const { run } = await callOperation(ctx, "tests.run", { projectId: broken, env: QUICK_PYTEST });
    expect(run).toMatchObject({ status: "collection_error", exitCode: 2 });
    expect(run.reason).toContain("tests/test_broken.py");
    expect(run.reason).toContain("SyntaxError");
    expect(run.failures[0]).toMatchObject({
      id: "tests/test_broken.py",
      kind: "error",
      file: "tests/test_broken.py",
      line: 1,
    });
  });

  it("ends a hanging run after its timeout, with everything it started", async () => {
    context();
    const project = await fixtureProject(ctx, "hang", "pytest/hang");
    const { run } = await callOperation(ctx, "tests.run", {
      projectId: project.id,
      timeoutSeconds: 2,
      env: QUICK_PYTEST,
    });
    expect(run.status).toBe("timed_out");
    expect(run.reason).toContain("2 s");
    const pids = readFileSync(path.join(project.path, "hang-pids.txt"), "utf8").trim().split(" ").map(Number);
    const [pgid = 0, child = 0] = pids;
    expect(pgid).toBeGreaterThan(1);
    expect(await eventually(() => liveGroupMembers(pgid).length === 0 && !isAlive(child))).toBe(true);
  }, 60_000);

  it("measures coverage and flags it against a threshold", async () => {
    context();
    const projectId = await pytestProject("basic");
    const met = (await callOperation(ctx, "tests.run", { projectId, coverageThreshold: 10, env: QUICK_PYTEST })).run;
    expect(met.coverage).toMatchObject({ threshold: 10, met: true });
    const percent = met.coverage?.percent ?? 0;
    expect(percent).toBeGreaterThan(10);
    expect(percent).toBeLessThan(100); // calc.describe has branches no test takes
    const unmet = (await callOperation(ctx, "tests.run", { projectId, coverageThreshold: 99.9, env: QUICK_PYTEST }))
      .run;
    expect(unmet.coverage).toEqual({ percent, threshold: 99.9, met: false });
    expect(unmet.status).toBe("passed");
    const plain = (await callOperation(ctx, "tests.run", { projectId, env: QUICK_PYTEST })).run;
    expect(plain.coverage).toEqual({ percent, threshold: null, met: null });
  });

  it("answers at once with wait: false and records the end later", async () => {
    context();
    const projectId = await pytestProject("basic");
    const { run } = await callOperation(ctx, "tests.run", { projectId, wait: false, env: QUICK_PYTEST });
    expect(run).toMatchObject({ status: "running", finishedAt: null, exitCode: null });
    expect((await callOperation(ctx, "tests.results", { projectId })).run.status).toBe("running");
    await settled(run.id);
    const done = (await callOperation(ctx, "tests.results", { projectId, runId: run.id })).run;
    expect(done).toMatchObject({ status: "passed", counts: { passed: 4 } });
  });

  it("records an error when the Python cannot be started", async () => {
    context({ ATT_PYTHON_COMMAND: path.join(repoRoot, ".cache", "no-such-python") });
    const projectId = await pytestProject("basic");
    const { run } = await callOperation(ctx, "tests.run", { projectId });
    expect(run.status).toBe("error");
    expect(run.reason).toContain("cannot run");
    expect(run.exitCode).toBeNull();
  });

  it("marks runs an earlier agent left running as errors", async () => {
    context();
    const projectId = await pytestProject("basic");
    const now = new Date().toISOString();
    const orphan = TestRun.parse({
      id: "orphan-run",
      projectId,
      framework: "pytest",
      status: "running",
      command: ["python", "-m", "pytest"],
      counts: { total: 0, passed: 0, failed: 0, skipped: 0, errors: 0, xfailed: 0, xpassed: 0 },
      failures: [],
      durationMs: null,
      coverage: null,
      exitCode: null,
      outputTail: "",
      reason: null,
      startedAt: now,
      finishedAt: null,
    });
    saveRun(ctx.db, "test", orphan);
    expect(reapOrphanedRuns(ctx.db)).toBe(0); // this process owns it
    ctx.db.update(runs).set({ runner: "an-agent-that-died" }).run();
    expect(reapOrphanedRuns(ctx.db)).toBe(1);
    const { run } = await callOperation(ctx, "tests.results", { projectId, runId: "orphan-run" });
    expect(run).toMatchObject({ status: "error", reason: "the agent stopped before the run finished" });
    expect(run.finishedAt).not.toBeNull();
  });

  it("runs the chatbot template's own pytest suite with the real NAT", async () => {
    context();
    const { project } = await callOperation(ctx, "projects.create", { name: "chatbot_tests", template: "chatbot" });
    const { run } = await callOperation(ctx, "tests.run", { projectId: project.id, timeoutSeconds: 300 });
    expect(run.status, run.outputTail).toBe("passed");
    expect(run.counts).toMatchObject({ total: 1, passed: 1, failed: 0 });
  }, 300_000);
});

describe("tests.run with npm test", () => {
  it("runs a vitest project through its JSON reporter", async () => {
    context();
    const project = await fixtureProject(ctx, "js_vitest", "vitest");
    symlinkSync(path.join(repoRoot, "node_modules"), path.join(project.path, "node_modules"), "dir");
    const { run } = await callOperation(ctx, "tests.run", { projectId: project.id, timeoutSeconds: 120 });
    expect(run).toMatchObject({ framework: "vitest", status: "failed", exitCode: 1 });
    expect(run.counts).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1, errors: 0, xfailed: 0, xpassed: 0 });
    expect(run.failures).toHaveLength(1);
    expect(run.failures[0]).toMatchObject({
      id: "test/math.test.js > math > fails",
      kind: "failure",
      file: "test/math.test.js",
      line: 8,
    });
    expect(run.failures[0]?.message).toContain("expected 2 to be 3");

    const only = (
      await callOperation(ctx, "tests.run", { projectId: project.id, keyword: "adds", timeoutSeconds: 120 })
    ).run;
    expect(only).toMatchObject({ status: "passed", counts: { passed: 1, failed: 0 } });
    await expect(callOperation(ctx, "tests.run", { projectId: project.id, marker: "slow" })).rejects.toMatchObject({
      code: "bad_request",
    });
  }, 240_000);

  it("runs any other test script and reads the counts it prints", async () => {
    context();
    const project = await fixtureProject(ctx, "js_node_test", "vitest");
    writeFileSync(
      path.join(project.path, "package.json"),
      JSON.stringify({ name: "node-test", private: true, scripts: { test: "node --test" } }),
    );
    writeFileSync(
      path.join(project.path, "test", "math.test.js"),
      'import test from "node:test";\nimport assert from "node:assert";\ntest("adds", () => assert.equal(1 + 1, 2));\ntest("fails", () => assert.equal(1 + 1, 3));\n',
    );
    const { run } = await callOperation(ctx, "tests.run", { projectId: project.id, timeoutSeconds: 120 });
    expect(run).toMatchObject({ framework: "npm", status: "failed", counts: { total: 2, passed: 1, failed: 1 } });
    expect(run.command).toEqual(["npm", "test"]);
  }, 240_000);

  it("refuses a project with no tests to run", async () => {
    context();
    const { project } = await callOperation(ctx, "projects.create", { name: "nothing", template: "empty" });
    await expect(callOperation(ctx, "tests.run", { projectId: project.id })).rejects.toMatchObject({
      code: "precondition_failed",
    });
  });
});
