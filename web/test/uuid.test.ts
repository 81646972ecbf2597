/** The one v4 UUID generator (exchange, message and terminal run ids). */
import { describe, expect, it } from "vitest";
import { uuid } from "../src/lib/uuid.ts";

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("uuid", () => {
  it("makes version 4 UUIDs, also from fixed bytes", () => {
    expect(uuid()).toMatch(V4);
    expect(uuid((bytes) => bytes.fill(0xff))).toBe("ffffffff-ffff-4fff-bfff-ffffffffffff");
    expect(uuid((bytes) => bytes.fill(0))).toBe("00000000-0000-4000-8000-000000000000");
    expect(uuid()).not.toBe(uuid());
  });
});
