/**
 * The managed runtime against the real NAT (the test venv): the chatbot
 * template served by `nat serve` on the offline test LLM. The tests run in
 * order and share apps to keep the number of NAT starts small: start, refuse
 * a second start, lose and regain health, restart, replace by another
 * project's app, crash later (SIGKILL), then the failures that start nothing
 * or crash at start, and finally a clean stop.
 */
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import path from "node:path";
import type { AgentEvent, Project } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OperationError } from "../src/operations/errors.ts";
import { callOperation } from "./support/call.ts";
import type { TestContext } from "./support/context.ts";
import { createTestContext } from "./support/context.ts";
import { natTestContext } from "./support/nat.ts";

const NAT_START_MS = 240_000;

let context: TestContext;
let first: Project;
let second: Project;

beforeAll(async () => {
  ({ context } = await natTestContext({ ATT_RUNTIME_PROBE_MS: "300" }));
  first = (await callOperation(context, "projects.create", { name: "rt_first", template: "chatbot" })).project;
  second = (await callOperation(context, "projects.create", { name: "rt_second", template: "chatbot" })).project;
}, 30 * 60_000);

afterAll(async () => {
  await context?.dispose();
}, 60_000);

async function until<T>(what: string, read: () => T | Promise<T>, done: (value: T) => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function failure(promise: Promise<unknown>): Promise<OperationError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OperationError) return error;
    throw error;
  }
  throw new Error("expected the operation to fail");
}

function events(type: AgentEvent["type"], projectId: string): AgentEvent[] {
  return context.outbox
    .after(0, 100_000)
    .map((e) => e.event)
    .filter((e) => e.type === type && e.projectId === projectId);
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

const status = (projectId: string) => callOperation(context, "runtime.status", { projectId }).then((r) => r.status);
const projectStatus = async (projectId: string) => (await context.catalog.get(projectId)).status;

describe("managed NAT runtime", () => {
  let firstPid = 0;

  it(
    "starts the chatbot app: running, /health 200 at its URL, uptime, NAT's startup lines by cursor",
    async () => {
      const started = (await callOperation(context, "runtime.start", { projectId: first.id })).status;
      expect(started).toMatchObject({
        projectId: first.id,
        kind: "serve",
        state: "running",
        configPath: "configs/config.yml",
      });
      expect(started.url).toBe(`http://127.0.0.1:${started.port}`);
      firstPid = started.pid ?? 0;
      expect(groupAlive(firstPid)).toBe(true);
      const health = await fetch(`${started.url}/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: "healthy" });
      expect(started.lastProbe?.ok).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect((await status(first.id)).uptimeMs ?? 0).toBeGreaterThan(started.uptimeMs ?? 0);
      expect(await projectStatus(first.id)).toBe("running");

      const uvicorn = await callOperation(context, "runtime.logs", {
        projectId: first.id,
        pattern: "Uvicorn running on",
      });
      expect(uvicorn.lines).toHaveLength(1);
      expect(uvicorn.lines[0]?.text).toContain(`http://127.0.0.1:${started.port}`);
      expect(uvicorn.lines[0]?.level).toBe("info");
      // Paging by cursor: pages of 20 join into one gap-free, ordered sequence.
      const all: number[] = [];
      let after = 0;
      for (;;) {
        const page = await callOperation(context, "runtime.logs", { projectId: first.id, after, limit: 20 });
        all.push(...page.lines.map((l) => l.cursor));
        after = page.nextCursor;
        if (!page.hasMore) break;
      }
      expect(all.length).toBeGreaterThan(10);
      expect(all).toEqual([...all].sort((a, b) => a - b));
      expect(new Set(all).size).toBe(all.length);
      expect(all).toContain(uvicorn.lines[0]?.cursor);
      const att = await callOperation(context, "runtime.logs", { projectId: first.id, stream: "att" });
      expect(att.lines.map((l) => l.text).join("\n")).toMatch(/\$ \S+nat serve --config_file configs\/config.yml/);

      const states = events("runtime.status", first.id).map((e) => e.payload.state);
      expect(states).toEqual(["starting", "running"]);
      expect(events("runtime.log", first.id).length).toBeGreaterThan(0);
    },
    NAT_START_MS,
  );

  it("refuses to start the same project twice: conflict already_running", async () => {
    const error = await failure(callOperation(context, "runtime.start", { projectId: first.id }));
    expect(error.code).toBe("conflict");
    expect(error.details).toMatchObject({ reason: "already_running" });
  });

  it("turns unhealthy when /health stops answering (SIGSTOP) and running again after (SIGCONT)", async () => {
    process.kill(-firstPid, "SIGSTOP");
    try {
      const sick = await until(
        "unhealthy",
        () => status(first.id),
        (s) => s.state === "unhealthy",
      );
      expect(sick.reason).toMatch(/health probes failed/);
      expect(sick.lastProbe?.ok).toBe(false);
    } finally {
      process.kill(-firstPid, "SIGCONT");
    }
    const well = await until(
      "running again",
      () => status(first.id),
      (s) => s.state === "running",
    );
    expect(well.lastProbe?.ok).toBe(true);
    const states = events("runtime.status", first.id).map((e) => e.payload.state);
    expect(states.slice(-2)).toEqual(["unhealthy", "running"]);
  }, 60_000);

  it(
    "restarts the app: a new process of the same project",
    async () => {
      const { status: restarted } = await callOperation(context, "runtime.restart", { projectId: first.id });
      expect(restarted.state).toBe("running");
      expect(restarted.pid).not.toBe(firstPid);
      expect(groupAlive(firstPid)).toBe(false);
      firstPid = restarted.pid ?? 0;
    },
    NAT_START_MS,
  );

  let secondPid = 0;
  it(
    "starting another project's app stops the first one",
    async () => {
      const { status: started } = await callOperation(context, "runtime.start", { projectId: second.id });
      expect(started.state).toBe("running");
      secondPid = started.pid ?? 0;
      expect(groupAlive(firstPid)).toBe(false);
      expect((await status(first.id)).state).toBe("stopped");
      expect(await projectStatus(first.id)).toBe("stopped");
      const last = events("runtime.status", first.id).at(-1);
      expect(last?.payload).toMatchObject({ state: "stopped", reason: `replaced by the app of project ${second.id}` });
    },
    NAT_START_MS,
  );

  it("detects a crash while running (SIGKILL): crashed, runtime.crashed with exit info and last lines", async () => {
    process.kill(secondPid, "SIGKILL");
    const crashed = await until(
      "crashed",
      () => status(second.id),
      (s) => s.state === "crashed",
    );
    expect(crashed).toMatchObject({ signal: "SIGKILL", exitCode: null, pid: null });
    expect(groupAlive(secondPid)).toBe(false);
    const [event] = events("runtime.crashed", second.id);
    expect(event?.payload).toMatchObject({ projectId: second.id, signal: "SIGKILL", exitCode: null, phase: "running" });
    const lastLines = event?.payload.lastLines;
    expect(Array.isArray(lastLines) && lastLines.length > 0 && lastLines.length <= 50).toBe(true);
    expect(
      await until(
        "project error",
        () => projectStatus(second.id),
        (s) => s === "error",
      ),
    ).toBe("error");
  });

  it("refuses to stop when nothing runs: conflict not_running", async () => {
    const error = await failure(callOperation(context, "runtime.stop", { projectId: second.id }));
    expect(error.code).toBe("conflict");
    expect(error.details).toMatchObject({ reason: "not_running" });
  });

  it("refuses a requested port that is taken: conflict port_in_use", async () => {
    const server: Server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    const port = typeof address === "object" && address !== null ? address.port : 0;
    try {
      const error = await failure(callOperation(context, "runtime.start", { projectId: first.id, port }));
      expect(error.code).toBe("conflict");
      expect(error.details).toMatchObject({ reason: "port_in_use", port });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it(
    "rejects an unknown _type with NAT's own message and the types it knows: validation_failed",
    async () => {
      writeFileSync(
        path.join(first.path, "configs", "bad.yml"),
        "llms:\n  main:\n    _type: nat_test_llm\nworkflow:\n  _type: no_such_workflow\n  llm_name: main\n",
      );
      const error = await failure(
        callOperation(context, "runtime.start", { projectId: first.id, configPath: "configs/bad.yml" }),
      );
      expect(error.code).toBe("validation_failed");
      expect(error.message).toContain("Requested workflow type `no_such_workflow` not found");
      expect(error.message).toMatch(/Available workflow types: .*\bchat_completion\b/);
      expect(error.message.length).toBeLessThan(4000);
      expect(error.details).toMatchObject({ configPath: "configs/bad.yml", exitCode: 1 });
      expect(String((error.details as { output: string }).output)).toContain("no_such_workflow");
      expect((await status(first.id)).state).toBe("stopped");
      const { errors } = await callOperation(context, "debug.errors", { projectId: first.id });
      expect(errors.some((e) => e.source === "nat" && e.message.includes("`no_such_workflow` not found"))).toBe(true);
    },
    NAT_START_MS,
  );

  it(
    "reports a crash at start (a config that validates but cannot build): upstream_error, crashed, parsed error",
    async () => {
      writeFileSync(
        path.join(second.path, "configs", "crash.yml"),
        "llms:\n  main:\n    _type: nat_test_llm\nworkflow:\n  _type: chat_completion\n  llm_name: nosuch\n",
      );
      const error = await failure(
        callOperation(context, "runtime.start", { projectId: second.id, configPath: "configs/crash.yml" }),
      );
      expect(error.code).toBe("upstream_error");
      expect(error.message).toMatch(/exited with code 1 before it became healthy/);
      const details = error.details as { exitCode: number; lastLines: string[] };
      expect(details.exitCode).toBe(1);
      expect(details.lastLines.join("\n")).toContain("ValueError: LLM `nosuch` not found");
      const crashed = await status(second.id);
      expect(crashed).toMatchObject({ state: "crashed", exitCode: 1, configPath: "configs/crash.yml" });
      expect(events("runtime.crashed", second.id).at(-1)?.payload).toMatchObject({ phase: "starting", exitCode: 1 });
      const { errors } = await callOperation(context, "debug.errors", { projectId: second.id });
      const valueError = errors.find((e) => e.type === "ValueError");
      expect(valueError?.message).toBe("LLM `nosuch` not found");
      expect(valueError?.frames.at(-1)?.function).toBe("get_llm");
      expect(valueError?.source).toBe("runtime");
    },
    NAT_START_MS,
  );

  it("says how to install NAT when `nat` cannot be run: precondition_failed", async () => {
    const missing = createTestContext({ ATT_NAT_COMMAND: "/nonexistent/bin/nat" });
    try {
      const { project } = await callOperation(missing, "projects.create", { name: "rt_missing", template: "chatbot" });
      const error = await failure(callOperation(missing, "runtime.start", { projectId: project.id }));
      expect(error.code).toBe("precondition_failed");
      expect(error.message).toContain("pip install");
      expect(error.message).toContain("/nonexistent/bin/nat");
    } finally {
      await missing.dispose();
    }
  });

  it(
    "stops the app: SIGTERM to the group, state stopped, process gone",
    async () => {
      const { status: started } = await callOperation(context, "runtime.start", { projectId: first.id });
      const pid = started.pid ?? 0;
      const { status: stopped } = await callOperation(context, "runtime.stop", {
        projectId: first.id,
        graceSeconds: 10,
      });
      expect(stopped).toMatchObject({ state: "stopped", pid: null, reason: "stopped on request" });
      expect(() => process.kill(pid, 0)).toThrow();
      expect(groupAlive(pid)).toBe(false);
      expect(await projectStatus(first.id)).toBe("stopped");
      const att = await callOperation(context, "runtime.logs", {
        projectId: first.id,
        stream: "att",
        tail: true,
        limit: 2,
      });
      expect(att.lines.map((l) => l.text)).toEqual([
        "stopping (stopped on request): SIGTERM, then SIGKILL after 10000 ms",
        expect.stringMatching(/^exited /),
      ]);
    },
    NAT_START_MS,
  );
});
