/**
 * The log store with real processes and a real SQLite database: a burst of
 * 100,000 lines from a child process arrives complete and in order, by
 * cursor pages and in live events, without holding up the event loop;
 * retention prunes the oldest lines; filters and paging behave.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import type { Json, LogLine } from "@att/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OperationError } from "../src/operations/errors.ts";
import { parseLevel } from "../src/operations/logs/level.ts";
import { readLogs } from "../src/operations/logs/query.ts";
import { LogStore } from "../src/operations/logs/store.ts";
import { spawnGroup } from "../src/process/group.ts";
import { openAgentDb } from "../src/state/db.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

interface LiveEvent {
  projectId: string;
  payload: { [key: string]: Json };
}

let context: TestContext;
let events: LiveEvent[];

beforeEach(() => {
  context = createTestContext();
  events = [];
});

afterEach(async () => {
  await context.dispose();
});

function store(options: Partial<ConstructorParameters<typeof LogStore>[0]> = {}): LogStore {
  return new LogStore({
    db: context.db,
    publish: (projectId, payload) => events.push({ projectId, payload }),
    ...options,
  });
}

function query(projectId: string, extra: Partial<Parameters<typeof readLogs>[1]> = {}) {
  return readLogs(context.db, { projectId, after: 0, limit: 500, tail: false, ...extra });
}

/** Every line of a project, read page by page through `after`. */
function readAll(projectId: string, limit: number): LogLine[] {
  const lines: LogLine[] = [];
  let after = 0;
  for (;;) {
    const page = query(projectId, { after, limit });
    lines.push(...page.lines);
    after = page.nextCursor;
    if (!page.hasMore) return lines;
  }
}

function eventLines(): { cursor: number; text: string }[] {
  return events.flatMap((e) => e.payload.lines as { cursor: number; text: string }[]);
}

describe("log store", () => {
  it("keeps every line of a 100,000-line burst from a real process, by cursor and in live events", async () => {
    const logs = store();
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const started = performance.now();
    const child = spawnGroup({
      argv: [process.execPath, "-e", "for (let i = 0; i < 100000; i++) process.stdout.write('line ' + i + '\\n');"],
      cwd: context.dir,
      env: { PATH: process.env.PATH ?? "" },
      onLine: (stream, text) => {
        logs.append({ projectId: "p1", runtimeId: "r1", stream, text });
      },
    });
    const exit = await child.exited;
    const elapsedMs = performance.now() - started;
    lag.disable();
    logs.close();
    expect(exit.exitCode).toBe(0);
    // The pipe was drained as fast as the child wrote: no per-line database wait held the loop.
    expect(elapsedMs).toBeLessThan(20_000);
    expect(lag.max / 1e6).toBeLessThan(1000);

    const lines = readAll("p1", 5000);
    expect(lines).toHaveLength(100_000);
    lines.forEach((line, i) => {
      if (line.text !== `line ${i}`) expect(line.text).toBe(`line ${i}`);
    });
    const cursors = lines.map((l) => l.cursor);
    expect(new Set(cursors).size).toBe(100_000);
    expect(cursors.every((c, i) => i === 0 || c === (cursors[i - 1] ?? 0) + 1)).toBe(true);

    const live = eventLines();
    expect(live.map((l) => l.cursor)).toEqual(cursors);
    // Batched: about one event per 1000 lines, never one per line.
    expect(events.length).toBeLessThanOrEqual(200);
    for (const event of events) {
      const batch = event.payload.lines as unknown[];
      expect(batch.length).toBeLessThanOrEqual(1000);
      expect(Buffer.byteLength(JSON.stringify(event.payload))).toBeLessThan(140 * 1024);
    }
  }, 60_000);

  it("splits live events at 128 KiB and flushes a partial batch after its interval", async () => {
    const logs = store({ eventMs: 30 });
    const long = "x".repeat(10_000);
    for (let i = 0; i < 30; i += 1) logs.append({ projectId: "p1", runtimeId: "r1", stream: "stdout", text: long });
    expect(events.length).toBe(2); // two full 128 KiB batches left at once; the rest waits
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(eventLines()).toHaveLength(30);
    const first = events[0]?.payload;
    expect(first?.firstCursor).toBe(1);
    expect(first?.runtimeId).toBe("r1");
    logs.close();
  });

  it("prunes each project to its cap, oldest first, and never reuses a cursor", () => {
    const logs = store({ retainPerProject: 1000 });
    for (let i = 0; i < 5000; i += 1)
      logs.append({ projectId: "p1", runtimeId: "r1", stream: "stdout", text: `a${i}` });
    logs.append({ projectId: "p2", runtimeId: "r2", stream: "stdout", text: "other project" });
    logs.close();
    const kept = readAll("p1", 5000);
    expect(kept.length).toBeGreaterThanOrEqual(1000);
    expect(kept.length).toBeLessThanOrEqual(1100);
    expect(kept.at(-1)?.text).toBe("a4999");
    expect(kept[0]?.text).toBe(`a${5000 - kept.length}`);
    expect(readAll("p2", 10).map((l) => l.text)).toEqual(["other project"]);

    // A later agent process continues after the highest cursor ever given, even when rows were deleted.
    const last = kept.at(-1)?.cursor ?? 0;
    const reopened = store();
    const next = reopened.append({ projectId: "p1", runtimeId: "r3", stream: "att", text: "after restart" });
    expect(next?.cursor).toBe(last + 2); // p2's line took last + 1
    reopened.close();
  });

  it("filters by stream, level, time and pattern, and pages with nextCursor", async () => {
    const logs = store();
    const texts = [
      "2026-11-21 17:21:36 - INFO     - nat.cli.commands.start:192 - Starting NAT from config file",
      "2026-11-21 17:21:36 - WARNING  - nat.front_ends.fastapi:139 - Dask is not installed",
      "INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)",
      "2026-11-21 17:21:20 - ERROR    - nat.builder.workflow_builder:223 - Original error: LLM `x` not found",
      "plain output",
    ];
    for (const text of texts) logs.append({ projectId: "p1", runtimeId: "r1", stream: "stderr", text });
    logs.append({ projectId: "p1", runtimeId: "r1", stream: "att", text: "stopping", level: "info" });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const middle = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 20));
    logs.append({ projectId: "p1", runtimeId: "r1", stream: "stdout", text: "late ERROR: boom" });
    logs.flush();

    expect(query("p1", { stream: "att" }).lines.map((l) => l.text)).toEqual(["stopping"]);
    expect(query("p1", { minLevel: "warning" }).lines.map((l) => l.level)).toEqual(["warning", "error"]);
    expect(query("p1", { since: middle }).lines.map((l) => l.text)).toEqual(["late ERROR: boom"]);
    expect(query("p1", { until: middle }).lines).toHaveLength(6);
    expect(query("p1", { pattern: "Uvicorn running on http://127\\.0\\.0\\.1:\\d+" }).lines).toHaveLength(1);
    expect(query("p1", { tail: true, limit: 2 }).lines.map((l) => l.text)).toEqual(["stopping", "late ERROR: boom"]);

    const first = query("p1", { pattern: "nat\\.", limit: 1 });
    expect(first.lines).toHaveLength(1);
    expect(first.hasMore).toBe(true);
    const second = query("p1", { pattern: "nat\\.", limit: 5, after: first.nextCursor });
    expect(second.lines.map((l) => l.level)).toEqual(["warning", "error"]);
    expect(second.hasMore).toBe(false);

    let caught: unknown;
    try {
      query("p1", { pattern: "(unclosed" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OperationError);
    expect((caught as OperationError).code).toBe("bad_request");
    expect((caught as OperationError).message).toMatch(/Unterminated group/);
    logs.close();
  });

  it("serves lines written by a store on another connection only once flushed, as a gap-free prefix", () => {
    const logs = store({ flushMs: 60_000, batchLines: 10 });
    for (let i = 0; i < 25; i += 1) logs.append({ projectId: "p1", runtimeId: "r1", stream: "stdout", text: `${i}` });
    const other = openAgentDb(context.config.stateDir);
    const seen = readLogs(other.db, { projectId: "p1", after: 0, limit: 100, tail: false }).lines;
    other.close();
    expect(seen.map((l) => l.text)).toEqual(Array.from({ length: 20 }, (_, i) => `${i}`));
    logs.close();
    expect(readAll("p1", 100)).toHaveLength(25);
  });
});

describe("log levels", () => {
  it.each([
    ["2026-11-21 17:21:36 - INFO     - nat.cli.commands.start:192 - Starting NAT", "info"],
    ["2026-11-21 17:21:20 - ERROR:    Application startup failed. Exiting.", "error"],
    ["2026-11-21 17:21:36 - WARNING:  Current configuration will not reload", "warning"],
    ["INFO:     Started server process [19474]", "info"],
    ["WARNING:root:something odd", "warning"],
    ["2026-01-01 10:00:00,123 - myapp - CRITICAL - disk full", "critical"],
    ["[DEBUG] cache miss", "debug"],
    [
      "/x/site-packages/nat/authentication/bearer_token_validator.py:25: AuthlibDeprecationWarning: authlib.jose",
      "warning",
    ],
    ["Traceback (most recent call last):", "error"],
    ["plain text mentioning ERROR later on", null],
    ['  File "x.py", line 3, in f', null],
  ] as const)("%s → %s", (text, level) => {
    expect(parseLevel(text)).toBe(level);
  });
});
