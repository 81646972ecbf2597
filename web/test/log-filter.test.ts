/**
 * Live log lines are filtered in the browser with the semantics the agent's
 * reader applies to history: minimum level (unleveled lines out), flagless
 * regular expression on the text, stream.
 */
import { describe, expect, it } from "vitest";
import type { LogLine } from "../src/lib/runtime/log-buffer.ts";
import { compileFilter, filterQuery, isFiltered, NO_FILTER, parseLevel } from "../src/lib/runtime/log-filter.ts";

const line = (text: string, level: LogLine["level"], stream: LogLine["stream"] = "stderr"): LogLine => ({
  cursor: 1,
  at: "2026-11-21T10:00:00.000Z",
  stream,
  level,
  text,
  runtimeId: "r1",
});

function matcher(filter: Parameters<typeof compileFilter>[0]) {
  const compiled = compileFilter(filter);
  if (!compiled.ok) throw new Error(compiled.message);
  return compiled.matches;
}

describe("log filter", () => {
  it("keeps lines at the minimum level or above and drops lines without a level", () => {
    const matches = matcher({ ...NO_FILTER, minLevel: "warning" });
    expect(matches(line("a", "warning"))).toBe(true);
    expect(matches(line("b", "critical"))).toBe(true);
    expect(matches(line("c", "info"))).toBe(false);
    expect(matches(line("d", null))).toBe(false);
  });

  it("tests the pattern as a case-sensitive regular expression, the same every time", () => {
    const matches = matcher({ ...NO_FILTER, pattern: "POST /gen(erate)?" });
    expect(matches(line('INFO: "POST /generate HTTP/1.1" 200', "info"))).toBe(true);
    expect(matches(line('INFO: "POST /generate HTTP/1.1" 200', "info"))).toBe(true);
    expect(matches(line("post /generate", "info"))).toBe(false);
  });

  it("filters by stream and combines the parts", () => {
    const matches = matcher({ minLevel: "info", pattern: "ready", stream: "att" });
    expect(matches(line("ready", "info", "att"))).toBe(true);
    expect(matches(line("ready", "info", "stdout"))).toBe(false);
    expect(matches(line("ready", null, "att"))).toBe(false);
  });

  it("reports an invalid pattern instead of throwing", () => {
    const compiled = compileFilter({ ...NO_FILTER, pattern: "(" });
    expect(compiled.ok).toBe(false);
    if (!compiled.ok) expect(compiled.message).toMatch(/^invalid pattern: /);
  });

  it("turns the filter into query parameters, leaving out empty parts", () => {
    expect(filterQuery(NO_FILTER)).toEqual({});
    expect(isFiltered(NO_FILTER)).toBe(false);
    expect(filterQuery({ minLevel: "error", pattern: "x+", stream: null })).toEqual({
      minLevel: "error",
      pattern: "x+",
    });
    expect(parseLevel("warning")).toBe("warning");
    expect(parseLevel("loud")).toBeNull();
  });
});
