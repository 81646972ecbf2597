import { isJson, JsonValue, utf8Length } from "@att/shared";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

describe("JsonValue", () => {
  it("accepts every JSON value without a __proto__ key", () => {
    // fast-check generates `__proto__` keys now and then; those are refused on purpose (next test).
    const withoutProto = fc.jsonValue().filter((value) => !JSON.stringify(value).includes('"__proto__":'));
    fc.assert(
      fc.property(withoutProto, (value) => {
        expect(JsonValue.safeParse(value).success).toBe(true);
      }),
    );
  });

  it("refuses a __proto__ key at any depth", () => {
    for (const text of ['{"__proto__": null}', '{"a": [{"__proto__": {}}]}']) {
      expect(JsonValue.safeParse(JSON.parse(text)).success).toBe(false);
    }
  });

  it("refuses values JSON cannot carry", () => {
    for (const value of [
      undefined,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      () => 1,
      new Date(),
      new Map(),
      Symbol("x"),
      10n,
    ]) {
      expect(isJson(value)).toBe(false);
    }
    expect(isJson({ nested: [1, { bad: undefined }] })).toBe(false);
  });

  it("refuses nesting deeper than the limit instead of overflowing the stack", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i += 1) deep = [deep];
    expect(isJson(deep)).toBe(false);
  });
});

describe("utf8Length", () => {
  it("agrees with TextEncoder on any string", () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        expect(utf8Length(s)).toBe(encoder.encode(s).byteLength);
      }),
    );
  });
});
