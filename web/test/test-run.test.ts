/**
 * The Tests view's form and history logic: what a form sends to test/run,
 * how counts and failure locations read, and the history from events.
 */
import { describe, expect, it } from "vitest";
import type { Schemas } from "../src/lib/api/client.ts";
import {
  countsSummary,
  EMPTY_FORM,
  historyEntryOf,
  locationOf,
  mergeHistory,
  parsePaths,
  runBody,
  selectionOf,
} from "../src/lib/tests/test-run.ts";

const counts = { total: 4, passed: 2, failed: 1, skipped: 1, errors: 0, xfailed: 0, xpassed: 0 };

function event(seq: number, type: Schemas["Event"]["type"], payload: Record<string, unknown>): Schemas["Event"] {
  return {
    id: crypto.randomUUID(),
    seq,
    projectId: "p",
    type,
    actor: "agent",
    timestamp: "2026-11-21T10:00:00.000Z",
    payload,
  };
}

describe("test run form", () => {
  it("sends blank fields as nothing: all tests in the background", () => {
    expect(runBody(EMPTY_FORM)).toEqual({ paths: [], timeoutSeconds: 600, wait: false });
    expect(selectionOf(runBody(EMPTY_FORM))).toBe("all tests");
  });

  it("splits paths on spaces, commas and lines, keeps node ids, and trims expressions", () => {
    const body = runBody({
      paths: "tests/test_a.py, tests/test_b.py::test_x\n tests/test_a.py",
      keyword: "  answer and not slow ",
      marker: " slow",
      timeoutSeconds: 120,
      coverageThreshold: "80",
    });
    expect(body).toEqual({
      paths: ["tests/test_a.py", "tests/test_b.py::test_x"],
      keyword: "answer and not slow",
      marker: "slow",
      timeoutSeconds: 120,
      coverageThreshold: 80,
      wait: false,
    });
    expect(selectionOf(body)).toBe("tests/test_a.py, tests/test_b.py::test_x, -k answer and not slow, -m slow");
    expect(parsePaths("   ")).toEqual([]);
  });

  it("reads counts and locations in words", () => {
    expect(countsSummary(counts)).toBe("2 passed, 1 failed, 1 skipped");
    expect(countsSummary({ ...counts, passed: 0, failed: 0, skipped: 0 })).toBe("no tests ran");
    const failure = { id: "t::x", kind: "failure" as const, message: "m", traceback: "", file: "tests/t.py", line: 7 };
    expect(locationOf(failure)).toBe("tests/t.py:7");
    expect(locationOf({ ...failure, line: null })).toBe("tests/t.py");
    expect(locationOf({ ...failure, file: null })).toBeNull();
  });
});

describe("test run history", () => {
  it("reads finished runs from test.passed and test.failed events, newest first, one per run", () => {
    const entries = [
      event(1, "test.passed", { runId: "a", status: "passed", counts, durationMs: 900 }),
      event(2, "test.run", { runId: "b" }),
      event(3, "test.failed", { runId: "b", status: "failed", counts, durationMs: 1200 }),
      event(4, "test.failed", { runId: "c", status: "exploded" }),
    ].map(historyEntryOf);
    expect(entries.map((e) => e?.runId ?? null)).toEqual(["a", null, "b", null]);
    const known = entries.filter((e) => e !== null);
    const history = mergeHistory(known, known);
    expect(history.map((e) => [e.runId, e.status, e.durationMs])).toEqual([
      ["b", "failed", 1200],
      ["a", "passed", 900],
    ]);
    expect(history[0]?.counts).toEqual(counts);
  });

  it("keeps a run whose counts are malformed, without counts", () => {
    const entry = historyEntryOf(event(5, "test.failed", { runId: "d", status: "error", counts: { total: "x" } }));
    expect(entry).toMatchObject({ runId: "d", status: "error", counts: null, durationMs: null });
  });
});
