/** Display helpers: a log line's clock is the reader's local time, to the millisecond. */
import { describe, expect, it } from "vitest";
import { clock } from "../src/lib/format.ts";

describe("clock", () => {
  it("shows local time as HH:MM:SS.mmm", () => {
    expect(clock(new Date(2024, 0, 2, 3, 4, 5, 6).toISOString())).toBe("03:04:05.006");
    expect(clock(new Date(2024, 0, 2, 23, 59, 59, 999).toISOString())).toBe("23:59:59.999");
  });

  it("leaves an unreadable time as it is", () => {
    expect(clock("not a time")).toBe("not a time");
  });
});
