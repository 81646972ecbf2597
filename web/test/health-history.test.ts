/**
 * The runtime's health history: transitions from stored and live
 * runtime.status events in time order without duplicates, the current
 * status as a fallback, and the segments of the timeline strip.
 */
import { describe, expect, it } from "vitest";
import type { Schemas } from "../src/lib/api/client.ts";
import { addEntry, entryFromEvent, type HealthEntry, segments, withStatus } from "../src/lib/runtime/health-history.ts";

function statusEvent(seq: number, timestamp: string, state: string, previous: string): Schemas["Event"] {
  return {
    id: crypto.randomUUID(),
    seq,
    projectId: "p",
    type: "runtime.status",
    actor: "agent",
    timestamp,
    payload: { state, previous, reason: null, runtimeId: "r" },
  };
}

const status = (state: Schemas["RuntimeState"], startedAt: string | null): Schemas["RuntimeStatus"] => ({
  projectId: "p",
  kind: "serve",
  state,
  pid: null,
  port: null,
  url: null,
  configPath: null,
  releaseId: null,
  startedAt,
  uptimeMs: null,
  exitCode: null,
  signal: null,
  lastProbe: null,
  reason: null,
  logCursor: 0,
});

describe("health history", () => {
  it("orders transitions by time and ignores a replayed event", () => {
    const running = entryFromEvent(statusEvent(2, "2026-11-21T10:00:05.000Z", "running", "starting"));
    const starting = entryFromEvent(statusEvent(1, "2026-11-21T10:00:00.000Z", "starting", "stopped"));
    if (running === null || starting === null) throw new Error("events not read");
    let history: HealthEntry[] = addEntry([], running);
    history = addEntry(history, starting);
    history = addEntry(history, running);
    expect(history.map((e) => e.state)).toEqual(["starting", "running"]);
  });

  it("drops events that are not a valid status change", () => {
    const bad = statusEvent(3, "2026-11-21T10:00:00.000Z", "exploded", "running");
    expect(entryFromEvent(bad)).toBeNull();
  });

  it("keeps only the newest entries past the cap", () => {
    let history: HealthEntry[] = [];
    for (let i = 0; i < 10; i += 1) {
      history = addEntry(
        history,
        {
          key: String(i),
          at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
          state: "running",
          previous: null,
          reason: null,
        },
        4,
      );
    }
    expect(history.map((e) => e.key)).toEqual(["6", "7", "8", "9"]);
  });

  it("adds the current status only when the history does not end in it", () => {
    const now = "2026-11-21T11:00:00.000Z";
    const fromStatus = withStatus([], status("running", "2026-11-21T10:59:00.000Z"), now);
    expect(fromStatus).toMatchObject([{ state: "running", at: "2026-11-21T10:59:00.000Z" }]);
    expect(withStatus(fromStatus, status("running", "2026-11-21T10:59:00.000Z"), now)).toHaveLength(1);
    expect(withStatus(fromStatus, status("stopped", null), now).map((e) => e.state)).toEqual(["running", "stopped"]);
  });

  it("draws consecutive states as segments sharing the whole span", () => {
    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
    const history: HealthEntry[] = [
      { key: "a", at: at(0), state: "starting", previous: null, reason: null },
      { key: "b", at: at(2), state: "running", previous: "starting", reason: null },
      { key: "c", at: at(4), state: "running", previous: "unhealthy", reason: null },
      { key: "d", at: at(8), state: "stopped", previous: "running", reason: null },
    ];
    const spans = segments(history, Date.UTC(2026, 0, 1, 0, 0, 10));
    expect(spans.map((s) => [s.state, Math.round(s.percent)])).toEqual([
      ["starting", 20],
      ["running", 60],
      ["stopped", 20],
    ]);
    expect(segments([], 0)).toEqual([]);
  });
});
