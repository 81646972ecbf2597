/** The event payload field guards shared by the views' parsers. */
import { describe, expect, it } from "vitest";
import { int, isRecord, num, str } from "../src/lib/payload.ts";

describe("payload guards", () => {
  it("take only the type they name", () => {
    expect(str("a")).toBe("a");
    expect(str(1)).toBeNull();
    expect(int(3)).toBe(3);
    expect(int(3.5)).toBeNull();
    expect(int("3")).toBeNull();
    expect(num(3.5)).toBe(3.5);
    expect(num(Number.NaN)).toBeNull();
    expect(num(Number.POSITIVE_INFINITY)).toBeNull();
    expect(isRecord({ a: 1 })).toBe(true);
    expect(isRecord([])).toBe(false);
    expect(isRecord(null)).toBe(false);
  });
});
