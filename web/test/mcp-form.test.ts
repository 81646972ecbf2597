/** The Settings view's MCP form helpers: arguments per line, env rows, JSON tool arguments, a failed call's trail. */
import { describe, expect, it } from "vitest";
import { argsFromLines, argumentsFromJson, attemptsOf, envFromRows } from "../src/lib/settings/mcp-form.ts";

describe("stdio registration fields", () => {
  it("takes one argument per line, dropping blank lines but keeping spaces inside", () => {
    expect(argsFromLines("-y\n\n@scope/server\n--name  two words \n")).toEqual([
      "-y",
      "@scope/server",
      "--name  two words ",
    ]);
    expect(argsFromLines("")).toEqual([]);
  });

  it("turns named rows into variables; unnamed rows are ignored, the last duplicate wins", () => {
    const rows = [
      { name: " API_KEY ", value: "a" },
      { name: "", value: "ignored" },
      { name: "API_KEY", value: "b" },
      { name: "EMPTY", value: "" },
    ];
    expect(envFromRows(rows)).toEqual({ API_KEY: "b", EMPTY: "" });
  });
});

describe("tool arguments", () => {
  it("accepts a JSON object or nothing", () => {
    expect(argumentsFromJson('{"text": "hi"}')).toEqual({ ok: true, value: { text: "hi" } });
    expect(argumentsFromJson("  ")).toEqual({ ok: true, value: {} });
  });

  it.each([["[1]"], ['"text"'], ["null"], ["{nope"]])("refuses %s with a message", (text) => {
    const parsed = argumentsFromJson(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message.length).toBeGreaterThan(10);
  });
});

describe("a failed call's trail", () => {
  it("reads the attempts from the problem's details, or none", () => {
    expect(attemptsOf({ correlationId: "c", attempts: [{ serverId: "a" }] })).toEqual([{ serverId: "a" }]);
    expect(attemptsOf({ attempts: "no" })).toEqual([]);
    expect(attemptsOf(null)).toEqual([]);
  });
});
