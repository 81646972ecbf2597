import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { backoffDelay } from "../src/link/backoff.ts";

describe("backoffDelay", () => {
  it("stays within [base/2, min(max, base·2^attempt)] for any attempt and random draw", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const delay = backoffDelay(attempt, { baseMs: 250, maxMs: 10_000, random: () => r });
        expect(delay).toBeGreaterThanOrEqual(125);
        expect(delay).toBeLessThanOrEqual(Math.min(10_000, 250 * 2 ** attempt));
      }),
    );
  });

  it("grows exponentially until the cap, then stays there", () => {
    const top = (attempt: number) => backoffDelay(attempt, { baseMs: 100, maxMs: 5000, random: () => 0.999999 });
    expect([0, 1, 2, 3, 4, 5, 6, 10].map(top)).toEqual([99, 199, 399, 799, 1599, 3199, 4999, 4999]);
  });
});
