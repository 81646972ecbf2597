/** Reading what NAT writes: the `nat run` result block and its JSON files (NaN, size bounds). */
import { describe, expect, it } from "vitest";
import { workflowResult } from "../src/operations/nat-runs/result.ts";
import { boundJson, jsonBytes, parseLenientJson } from "../src/operations/runs/json-file.ts";

const DASHES = "-".repeat(50);
const GREEN = "\u001b[32m";
const RESET = "\u001b[39m";

/** The lines NAT 1.9's console front end logs for `result`. */
function natOutput(result: string): string[] {
  return [
    "2026-11-21 17:17:51 - INFO     - nat.runtime.session:332 - Shared workflow built (entry_function=None)",
    `2026-11-21 17:17:51 - INFO     - nat.front_ends.console.console_front_end_plugin:183 - ${DASHES}`,
    `${GREEN}Workflow Result:`,
    ...`${result}${RESET}`.split("\n"),
    `${DASHES}\u001b[0m`,
    "2026-11-21 17:17:52 - INFO     - shutting down",
  ];
}

describe("workflowResult", () => {
  it("reads one-line, multi-line and empty results, dashed lines inside included", () => {
    expect(workflowResult(natOutput("Hello from demo!"))).toBe("Hello from demo!");
    expect(workflowResult(natOutput(`first\n${DASHES}\nlast`))).toBe(`first\n${DASHES}\nlast`);
    expect(workflowResult(natOutput(""))).toBe("");
  });

  it("takes the last result, and copes without colours", () => {
    expect(workflowResult([...natOutput("one"), ...natOutput("two")])).toBe("two");
    expect(workflowResult(["Workflow Result:", "plain", DASHES, "after"])).toBe("plain");
    expect(workflowResult(["Workflow Result:", "cut short"])).toBe("cut short");
    expect(workflowResult(["nothing", "here"])).toBeNull();
  });
});

describe("NAT's JSON files", () => {
  it("reads Python's NaN and Infinity as null, leaving strings alone", () => {
    expect(parseLenientJson('{"a": NaN, "b": -Infinity, "c": "NaN Infinity", "d": [1, Infinity]}')).toEqual({
      a: null,
      b: null,
      c: "NaN Infinity",
      d: [1, null],
    });
    expect(parseLenientJson("not json")).toBeNull();
  });

  it("cuts a value down to a byte budget, keeping its shape", () => {
    const big = { rows: Array.from({ length: 5000 }, (_, index) => ({ index, text: "x".repeat(100) })) };
    const bounded = boundJson(big, 16 * 1024);
    expect(bounded).not.toBeNull();
    expect(jsonBytes(bounded ?? null)).toBeLessThanOrEqual(16 * 1024);
    expect(bounded).toMatchObject({ rows: expect.any(Array) });
    const small = { a: 1 };
    expect(boundJson(small, 1024)).toBe(small);
    expect(boundJson("y".repeat(10_000), 10)).toBeNull();
  });
});
