/**
 * The pure parts of the workflow engine: references, conditions and the
 * backoff schedule. Properties over generated JSON, plus the cases the
 * self-change workflow relies on.
 */
import type { Json } from "@att/shared";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { growing } from "../src/workflows/attempts.ts";
import {
  fill,
  holds,
  lookup,
  MissingReference,
  references,
  sameJson,
  summarize,
  truthy,
} from "../src/workflows/data.ts";

const json = fc.jsonValue() as fc.Arbitrary<Json>;
/** JSON with no `${` anywhere, so nothing in it is a reference. */
const plain = json.filter((value) => !JSON.stringify(value).includes("${"));

describe("fill", () => {
  it("leaves a template without references unchanged", () => {
    fc.assert(
      fc.property(plain, (value) => {
        expect(sameJson(fill(value, {}), value)).toBe(true);
      }),
    );
  });

  it("keeps a __proto__ key as a key, not as the prototype", () => {
    const template = JSON.parse('{"__proto__": null, "a": {"__proto__": [1]}}') as Json;
    const filled = fill(template, {});
    expect(sameJson(filled, template)).toBe(true);
    expect(Object.keys(filled as object)).toEqual(["__proto__", "a"]);
  });

  it("replaces a whole-string reference by the value itself, whatever its type", () => {
    fc.assert(
      fc.property(json, (value) => {
        const filled = fill({ at: "${steps.a.result}" }, { steps: { a: { result: value } } });
        expect(sameJson(filled, { at: value })).toBe(true);
      }),
    );
  });

  it("interpolates references inside longer strings and finds every reference", () => {
    const scope = { input: { name: "demo" }, steps: { pr: { result: { pullRequest: { number: 7 } } } } };
    const template = {
      title: "PR #${steps.pr.result.pullRequest.number} of ${input.name}",
      n: "${steps.pr.result.pullRequest.number}",
    };
    expect(fill(template, scope)).toEqual({ title: "PR #7 of demo", n: 7 });
    expect(references(template)).toEqual([
      "steps.pr.result.pullRequest.number",
      "input.name",
      "steps.pr.result.pullRequest.number",
    ]);
  });

  it("never reads a referenced value as a template, and $${ stands for a literal ${", () => {
    const scope = { input: { content: "port ${process.env.PORT}" } };
    expect(fill("${input.content}", scope)).toBe("port ${process.env.PORT}");
    expect(fill("echo $${HOME} ${input.content}", scope)).toBe("echo ${HOME} port ${process.env.PORT}");
    expect(references("echo $${HOME} and ${input.x}")).toEqual(["input.x"]);
  });

  it("names the missing path", () => {
    expect(() => fill("${steps.merge.result.sha}", { steps: {} })).toThrow(MissingReference);
    expect(() => fill(["ok", { deep: "x ${input.nope} y" }], { input: {} })).toThrow(
      expect.objectContaining({ path: "input.nope" }),
    );
  });

  it("never changes a filled-in value, whatever text it holds", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(fill("${input.v}", { input: { v: text } })).toBe(text);
        expect(fill("[${input.v}]", { input: { v: text } })).toBe(`[${text}]`);
      }),
    );
  });
});

describe("conditions", () => {
  const scope = { result: { pullRequest: { ci: "pending", state: "open" }, list: [1, 2] } };

  it("compares, tests membership, existence and truthiness", () => {
    expect(holds({ path: "result.pullRequest.ci", op: "eq", value: "pending" }, scope)).toBe(true);
    expect(holds({ path: "result.pullRequest.ci", op: "in", value: ["failure", "error"] }, scope)).toBe(false);
    expect(holds({ path: "result.pullRequest.state", op: "ne", value: "open" }, scope)).toBe(false);
    expect(holds({ path: "result.list.length", op: "eq", value: 2 }, scope)).toBe(true);
    expect(holds({ path: "result.list.1", op: "eq", value: 2 }, scope)).toBe(true);
    expect(holds({ path: "result.missing", op: "exists" }, scope)).toBe(false);
    expect(holds({ path: "result.list", op: "truthy" }, scope)).toBe(true);
    expect(holds({ path: "result.none", op: "falsy" }, scope)).toBe(true);
  });

  it("eq and ne are each other's negation, and in of a one-item list is eq", () => {
    fc.assert(
      fc.property(json, json, (actual, expected) => {
        const at = { v: actual };
        const eq = holds({ path: "v", op: "eq", value: expected }, at);
        expect(holds({ path: "v", op: "ne", value: expected }, at)).toBe(!eq);
        expect(holds({ path: "v", op: "in", value: [expected] }, at)).toBe(eq);
      }),
    );
  });

  it("treats empty lists and objects as false, like an unset value", () => {
    for (const value of [[], {}, "", 0, false, null] as Json[]) expect(truthy(value)).toBe(false);
    for (const value of [[0], { a: 1 }, "x", 1, true] as Json[]) expect(truthy(value)).toBe(true);
    expect(lookup({ a: { b: 1 } }, "a.c.d")).toBeUndefined();
  });
});

describe("the backoff schedule", () => {
  it("starts at the first interval, grows by the factor and never passes the cap", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60_000 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 30 }),
        (start, factor, attempts) => {
          const cap = start * 6;
          const delays = Array.from({ length: attempts }, (_, i) => growing(start, factor, cap, i + 1));
          expect(delays[0]).toBe(Math.min(start, cap));
          for (let i = 1; i < delays.length; i += 1) expect(delays[i]).toBeGreaterThanOrEqual(delays[i - 1] ?? 0);
          expect(Math.max(...delays)).toBeLessThanOrEqual(cap);
        },
      ),
    );
  });

  it("polls CI every 10 s, backing off to 60 s", () => {
    expect([1, 2, 3, 4, 5].map((n) => growing(10_000, 2, 60_000, n))).toEqual([10_000, 20_000, 40_000, 60_000, 60_000]);
  });
});

describe("summarize", () => {
  it("keeps small values and brings any value within the budget", () => {
    expect(summarize({ a: 1 })).toEqual({ a: 1 });
    fc.assert(
      fc.property(json, fc.integer({ min: 200, max: 5000 }), (value, budget) => {
        const small = summarize(value, budget);
        expect(JSON.stringify(small).length).toBeLessThanOrEqual(budget);
      }),
    );
    // Wide and deep: 30 keys of 10 items of 30 keys.
    const wide = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [
        `k${i}`,
        Array.from({ length: 10 }, () =>
          Object.fromEntries(Array.from({ length: 30 }, (_, j) => [`j${j}`, "x".repeat(300)])),
        ),
      ]),
    );
    expect(JSON.stringify(summarize(wide)).length).toBeLessThanOrEqual(2000);
  });
});
