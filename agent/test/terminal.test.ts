/**
 * terminal.run with real processes: output streamed as ordered, complete,
 * bounded events; exit codes; a timeout that ends the whole process group;
 * the project directory and environment (which cannot steer the shell); the
 * allow-list; and the concurrency limit.
 */
import { existsSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  MAX_TERMINAL_RUNS,
  type StoredEvent,
  TERMINAL_EVENT_BUDGET_BYTES,
  TerminalExitPayload,
  TerminalOutputPayload,
  TerminalRunResult,
} from "@att/shared";
import { afterEach, describe, expect, it } from "vitest";
import { stopRuns } from "../src/operations/runs/index.ts";
import { eventually, isAlive, liveGroupMembers } from "./fixtures/runs/support.ts";
import { callOperation } from "./support/call.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

let ctx: TestContext;

afterEach(async () => {
  await stopRuns();
  await ctx?.dispose();
});

async function project(): Promise<{ id: string; path: string }> {
  // A control plane elsewhere: the terminal meets the built-in allow-list (on this machine it would allow any program).
  ctx = createTestContext({ ATT_SERVER: "https://att.example.com" });
  const { project } = await callOperation(ctx, "projects.create", { name: "term", template: "empty" });
  return { id: project.id, path: project.path };
}

const events = (): Array<Pick<StoredEvent, "type" | "payload">> =>
  ctx.outbox.after(0, 100_000).map((entry) => entry.event);

/** The run's events in order: its output batches and its exit (parsed, so their shape is checked too). */
function runEvents(runId: string) {
  const mine = events().filter((event) => event.payload.runId === runId);
  const output = mine.filter((event) => event.type === "terminal.output");
  const exits = mine.filter((event) => event.type === "terminal.exit");
  return {
    order: mine.map((event) => event.type),
    output: output.map((event) => TerminalOutputPayload.parse(event.payload)),
    exits: exits.map((event) => TerminalExitPayload.parse(event.payload)),
  };
}

const joined = (batches: TerminalOutputPayload[], stream: "stdout" | "stderr") =>
  batches
    .filter((batch) => batch.stream === stream)
    .map((batch) => batch.text)
    .join("");

describe("terminal.run", () => {
  it("streams output as few ordered events that concatenate to exactly the output", async () => {
    const { id } = await project();
    const runId = crypto.randomUUID();
    const result = await callOperation(ctx, "terminal.run", {
      projectId: id,
      runId,
      command: "seq 1 20000; printf 'no newline at the end'",
    });
    const expected = `${Array.from({ length: 20_000 }, (_, i) => i + 1).join("\n")}\nno newline at the end`;
    expect(result).toMatchObject({ runId, exitCode: 0, signal: null, timedOut: false, truncated: true });
    expect(result.command).toContain("seq 1 20000");
    // The answer holds the last 64 KiB of the combined output.
    expect(Buffer.byteLength(result.output)).toBe(64 * 1024);
    expect(expected.endsWith(result.output)).toBe(true);

    const { order, output, exits } = runEvents(runId);
    expect(joined(output, "stdout")).toBe(expected);
    expect(joined(output, "stderr")).toBe("");
    // Batched: 20000 lines are a handful of events, never one per line, each at most 16 KiB.
    expect(output.length).toBeLessThan(200);
    for (const batch of output) expect(Buffer.byteLength(batch.text)).toBeLessThanOrEqual(16 * 1024);
    // The exit comes last, once, and says what the answer says.
    expect(order.at(-1)).toBe("terminal.exit");
    expect(exits).toEqual([{ runId, exitCode: 0, signal: null, timedOut: false, durationMs: result.durationMs }]);
  });

  it("keeps every event payload under 64 KiB, even for output that escapes to six bytes a character", async () => {
    const { id } = await project();
    const runId = crypto.randomUUID();
    await callOperation(ctx, "terminal.run", { projectId: id, runId, command: "head -c 300000 /dev/zero" });
    const mine = events().filter((event) => event.payload.runId === runId && event.type === "terminal.output");
    for (const event of mine) expect(Buffer.byteLength(JSON.stringify(event.payload))).toBeLessThan(64 * 1024);
    expect(joined(runEvents(runId).output, "stdout")).toBe("\0".repeat(300_000));
  });

  it("streams at most the event budget, says so once, and still answers with the output's tail", async () => {
    const { id } = await project();
    const runId = crypto.randomUUID();
    const total = TERMINAL_EVENT_BUDGET_BYTES + 1024 * 1024;
    const result = await callOperation(ctx, "terminal.run", {
      projectId: id,
      runId,
      command: `head -c ${total} /dev/zero | tr '\\0' a; printf END`,
    });
    const { output } = runEvents(runId);
    expect(joined(output, "stdout")).toBe("a".repeat(TERMINAL_EVENT_BUDGET_BYTES));
    expect(joined(output, "stderr")).toMatch(/^\n\[att: output beyond \d+ bytes is not streamed/);
    expect(result.output.endsWith("aaaEND")).toBe(true);
    expect(result.truncated).toBe(true);
  });

  it("cuts the answer's tail on a character boundary", async () => {
    const { id } = await project();
    // 70,000 three-byte characters: 64 KiB is not a multiple of 3, so a byte cut would split one.
    const result = await callOperation(ctx, "terminal.run", {
      projectId: id,
      command: "for i in $(seq 1 7000); do printf '€€€€€€€€€€'; done",
    });
    expect(result.truncated).toBe(true);
    expect(result.output).not.toContain("\uFFFD");
    expect(/^€+$/.test(result.output)).toBe(true);
  });

  it("keeps multi-byte characters whole and reports a non-zero exit code", async () => {
    const { id } = await project();
    const result = await callOperation(ctx, "terminal.run", {
      projectId: id,
      command: "for i in $(seq 1 3000); do printf 'ä€😀'; done; echo; echo failing >&2; exit 3",
    });
    expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, truncated: false });
    expect(TerminalRunResult.shape.runId.safeParse(result.runId).success).toBe(true);
    const { output, exits } = runEvents(result.runId);
    expect(joined(output, "stdout")).toBe(`${"ä€😀".repeat(3000)}\n`);
    expect(joined(output, "stderr")).toBe("failing\n");
    expect(result.output).toContain("failing\n");
    expect(exits).toMatchObject([{ exitCode: 3, timedOut: false }]);
  });

  it("runs in the project directory with the project's environment, without the agent's tokens", async () => {
    const { id, path: dir } = await project();
    writeFileSync(path.join(dir, ".env"), "FROM_DOTENV=dotenv-value\n");
    const added = {
      ATT_AGENT_TOKEN: "withheld-9f3c-agent",
      ATT_TOKEN: "withheld-9f3c-user",
      GITHUB_TOKEN: "withheld-9f3c-github",
      GH_TOKEN: "withheld-9f3c-gh",
      ATT_TERMINAL_TEST_VISIBLE: "visible",
    };
    const saved = Object.fromEntries(Object.keys(added).map((name) => [name, process.env[name]]));
    Object.assign(process.env, added);
    try {
      const { output, exitCode } = await callOperation(ctx, "terminal.run", { projectId: id, command: "pwd -P; env" });
      expect(exitCode).toBe(0);
      const [cwd, ...env] = output.trimEnd().split("\n");
      expect(cwd).toBe(realpathSync(dir));
      expect(env).toContain("ATT_TERMINAL_TEST_VISIBLE=visible");
      expect(env).toContain("FROM_DOTENV=dotenv-value");
      expect(output).not.toContain("withheld-9f3c");
      for (const name of ["ATT_AGENT_TOKEN", "ATT_TOKEN", "GITHUB_TOKEN", "GH_TOKEN"]) {
        expect(env.some((line) => line.startsWith(`${name}=`))).toBe(false);
      }
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("keeps the project's .env from steering the shell (PATH, LD_PRELOAD, BASH_ENV)", async () => {
    const { id, path: dir } = await project();
    writeFileSync(
      path.join(dir, ".env"),
      "PATH=.:/opt/evil\nLD_PRELOAD=./evil.so\nBASH_ENV=./evil.sh\nKEEP=kept-value\n",
    );
    const { output } = await callOperation(ctx, "terminal.run", {
      projectId: id,
      command: "printenv PATH; printenv LD_PRELOAD; printenv BASH_ENV; printenv KEEP",
    });
    const ownPath = (process.env.PATH ?? "")
      .split(":")
      .filter((dir) => dir.startsWith("/"))
      .join(":");
    expect(output).toBe(`${ownPath}\nkept-value\n`);
  });

  it("refuses a command off the allow-list before anything runs", async () => {
    const { id, path: dir } = await project();
    writeFileSync(path.join(dir, "keep.txt"), "x");
    await expect(callOperation(ctx, "terminal.run", { projectId: id, command: "rm keep.txt" })).rejects.toMatchObject({
      code: "forbidden",
      details: { program: "rm", reason: "terminal_not_allowed" },
    });
    expect(existsSync(path.join(dir, "keep.txt"))).toBe(true);
    expect(events().filter((event) => event.type.startsWith("terminal."))).toEqual([]);
  });

  it("reads nothing from stdin", async () => {
    const { id } = await project();
    const result = await callOperation(ctx, "terminal.run", { projectId: id, command: "cat; echo done" });
    expect(result).toMatchObject({ exitCode: 0, output: "done\n" });
  });

  it("on timeout ends the whole process group, background children included", async () => {
    const { id } = await project();
    const result = await callOperation(ctx, "terminal.run", {
      projectId: id,
      command: "sleep 300 & echo $$ $!; wait",
      timeoutMs: 500,
    });
    expect(result).toMatchObject({ timedOut: true, exitCode: null, signal: "SIGTERM" });
    const [shell, child] = result.output.trim().split(" ").map(Number);
    expect(Number.isInteger(shell) && Number.isInteger(child)).toBe(true);
    expect(isAlive(child ?? 0)).toBe(false);
    expect(liveGroupMembers(shell ?? 0)).toEqual([]);
    expect(runEvents(result.runId).exits).toMatchObject([{ timedOut: true, exitCode: null, signal: "SIGTERM" }]);
  });

  it(`runs at most ${MAX_TERMINAL_RUNS} commands at a time and refuses more with conflict`, async () => {
    const { id, path: dir } = await project();
    const waitForRelease = "while [ ! -e release ]; do sleep 0.05; done; echo released";
    const calls = Array.from({ length: MAX_TERMINAL_RUNS + 1 }, () =>
      callOperation(ctx, "terminal.run", { projectId: id, command: waitForRelease }),
    );
    const refused = await Promise.race(
      calls.map((call) =>
        call.then(
          () => null,
          (error: unknown) => error,
        ),
      ),
    );
    expect(refused).toMatchObject({ code: "conflict" });
    expect((refused as Error).message).toContain(`at most ${MAX_TERMINAL_RUNS} terminal commands`);
    writeFileSync(path.join(dir, "release"), "");
    const settled = await Promise.allSettled(calls);
    const done = settled.filter((outcome) => outcome.status === "fulfilled").map((outcome) => outcome.value);
    expect(done).toHaveLength(MAX_TERMINAL_RUNS);
    for (const run of done) expect(run).toMatchObject({ exitCode: 0, output: "released\n" });
    // The slots are free again.
    expect(await callOperation(ctx, "terminal.run", { projectId: id, command: "echo again" })).toMatchObject({
      output: "again\n",
    });
  });

  it("refuses a runId that is already running, and an unknown project", async () => {
    const { id, path: dir } = await project();
    const runId = crypto.randomUUID();
    const first = callOperation(ctx, "terminal.run", {
      projectId: id,
      runId,
      command: "echo started; while [ ! -e release ]; do sleep 0.05; done",
    });
    // Once its first output arrived, the run certainly holds its id.
    expect(await eventually(() => runEvents(runId).output.length > 0, 10_000)).toBe(true);
    await expect(callOperation(ctx, "terminal.run", { projectId: id, runId, command: "true" })).rejects.toMatchObject({
      code: "conflict",
    });
    writeFileSync(path.join(dir, "release"), "");
    expect(await first).toMatchObject({ runId, exitCode: 0 });
    await expect(callOperation(ctx, "terminal.run", { projectId: "no_such", command: "true" })).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
