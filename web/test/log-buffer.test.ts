/**
 * The Runtime view's log window: whatever floods in, it holds at most its
 * cap, in cursor order, with the newest lines; replays are not duplicated;
 * "load older" pages go in front.
 */
import { describe, expect, it } from "vitest";
import {
  appendLines,
  DEFAULT_LOG_CAP,
  emptyBuffer,
  enqueue,
  type LogLine,
  prependLines,
  resetLines,
} from "../src/lib/runtime/log-buffer.ts";

function line(cursor: number): LogLine {
  return {
    cursor,
    at: new Date(1_700_000_000_000 + cursor).toISOString(),
    stream: "stdout",
    level: null,
    text: `line ${cursor}`,
    runtimeId: "r1",
  };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => line(from + i));
const cursors = (lines: readonly LogLine[]) => lines.map((l) => l.cursor);

function expectAscending(lines: readonly LogLine[]): void {
  for (let i = 1; i < lines.length; i += 1) expect(lines[i]?.cursor).toBeGreaterThan(lines[i - 1]?.cursor ?? 0);
}

describe("log buffer", () => {
  it("keeps at most the cap and the newest lines, in order, through 100k appended lines", () => {
    let buffer = emptyBuffer();
    let cursor = 0;
    let maxSeen = 0;
    // Batches of varying size, as runtime.log events and animation frames deliver them.
    while (cursor < 100_000) {
      const size = Math.min(1 + ((cursor * 7) % 613), 100_000 - cursor);
      buffer = appendLines(buffer, range(cursor + 1, cursor + size));
      cursor += size;
      maxSeen = Math.max(maxSeen, buffer.lines.length);
    }
    expect(maxSeen).toBe(DEFAULT_LOG_CAP);
    expect(buffer.lines).toHaveLength(DEFAULT_LOG_CAP);
    expect(buffer.lines[0]?.cursor).toBe(100_000 - DEFAULT_LOG_CAP + 1);
    expect(buffer.lines.at(-1)?.cursor).toBe(100_000);
    expectAscending(buffer.lines);
    expect(buffer.dropped).toBe(100_000 - DEFAULT_LOG_CAP);
  });

  it("queues 100k single live lines without growing past twice the cap, then flushes the newest", () => {
    const queue: LogLine[] = [];
    let longest = 0;
    for (let cursor = 1; cursor <= 100_000; cursor += 1) {
      enqueue(queue, [line(cursor)], 1000);
      longest = Math.max(longest, queue.length);
    }
    expect(longest).toBeLessThanOrEqual(2000);
    const buffer = appendLines(emptyBuffer(1000), queue.splice(0));
    expect(cursors(buffer.lines)).toEqual(cursors(range(99_001, 100_000)));
  });

  it("ignores lines it already holds (a replay after reconnect) and sorts a shuffled batch", () => {
    let buffer = appendLines(emptyBuffer(10), range(1, 5));
    buffer = appendLines(buffer, [line(4), line(5), line(7), line(6), line(6)]);
    expect(cursors(buffer.lines)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const same = appendLines(buffer, range(1, 7));
    expect(same).toBe(buffer);
  });

  it("puts older pages in front and cuts the newest when full, then stops following", () => {
    let buffer = resetLines(emptyBuffer(6), range(11, 14));
    buffer = prependLines(buffer, range(8, 12));
    expect(cursors(buffer.lines)).toEqual([8, 9, 10, 11, 12, 13]);
    expect(buffer.detached).toBe(true);
    // Detached from the live head: live lines would leave a gap, so they are not added.
    expect(appendLines(buffer, [line(20)])).toBe(buffer);
    const fresh = resetLines(buffer, range(1, 9));
    expect(cursors(fresh.lines)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(fresh.detached).toBe(false);
    expect(fresh.dropped).toBe(3);
  });

  it("keeps following when an older page fits", () => {
    let buffer = resetLines(emptyBuffer(10), range(5, 7));
    buffer = prependLines(buffer, range(1, 4));
    expect(cursors(buffer.lines)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(buffer.detached).toBe(false);
    expect(cursors(appendLines(buffer, [line(8)]).lines).at(-1)).toBe(8);
  });

  it("refuses a cap that is not a positive integer", () => {
    expect(() => emptyBuffer(0)).toThrow(RangeError);
  });
});
