/** The deploy view's health column: derived from the deployment record and its release's runtime.status events. */
import { describe, expect, it } from "vitest";
import { type DeploymentLike, type EventLike, healthOf } from "../src/lib/deploy/health.ts";

const deployment = (patch: Partial<DeploymentLike>): DeploymentLike => ({
  releaseId: "rel_2",
  outcome: "succeeded",
  reason: null,
  startedAt: "2026-11-01T10:00:00.000Z",
  finishedAt: "2026-11-01T10:00:20.000Z",
  ...patch,
});
const status = (timestamp: string, state: string, releaseId: string | null): EventLike => ({
  type: "runtime.status",
  timestamp,
  payload: { state, releaseId },
});

describe("healthOf", () => {
  const events = [
    status("2026-11-01T09:59:00.000Z", "running", "rel_2"), // before this deploy: an earlier run of the release
    status("2026-11-01T10:00:01.000Z", "starting", "rel_2"),
    status("2026-11-01T10:00:05.000Z", "running", "rel_1"), // another release
    status("2026-11-01T10:00:12.500Z", "running", "rel_2"),
  ];

  it("times a succeeded deploy by the first running status of its release inside the deploy", () => {
    expect(healthOf(deployment({}), events)).toEqual({
      state: "passed",
      healthyAfterMs: 12_500,
      detail: "/health answered 200",
    });
  });

  it("still reports a pass without the event (older than the loaded page)", () => {
    expect(healthOf(deployment({}), [])).toMatchObject({ state: "passed", healthyAfterMs: null });
  });

  it("gives the reason of a rolled-back or failed deploy", () => {
    const reason = "the app exited with code 1 before /health answered: ValueError: bad config";
    expect(healthOf(deployment({ outcome: "rolled_back", reason }), events)).toEqual({
      state: "failed",
      healthyAfterMs: null,
      detail: reason,
    });
    expect(healthOf(deployment({ outcome: "failed", reason: null }), events).detail).toMatch(/did not become healthy/);
  });

  it("is checking while the deploy runs", () => {
    expect(healthOf(deployment({ outcome: "running", finishedAt: null }), events).state).toBe("checking");
  });
});
