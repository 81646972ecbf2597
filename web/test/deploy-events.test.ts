/** The deploy view's activity feed: event sentences and merging REST pages with live events. */
import { describe, expect, it } from "vitest";
import { describeDeployEvent, type FeedEvent, isDeployEvent, mergeFeed } from "../src/lib/deploy/events.ts";

const event = (seq: number, type: string, payload: FeedEvent["payload"] = {}): FeedEvent => ({
  seq,
  type,
  timestamp: new Date(Date.UTC(2026, 10, 1, 10, 0, seq)).toISOString(),
  payload,
});

describe("describeDeployEvent", () => {
  it("names the release, the outcome and the reason", () => {
    expect(describeDeployEvent(event(1, "build.completed", { version: 2, files: 14, sha256: "ab".repeat(32) }))).toBe(
      "Built release v2: 14 files, sha256 abababababab",
    );
    expect(describeDeployEvent(event(2, "deploy.started", { version: 1, kind: "rollback" }))).toBe(
      "Rolling back to release v1…",
    );
    expect(
      describeDeployEvent(
        event(3, "deploy.completed", { version: 3, kind: "deploy", outcome: "rolled_back", reason: "exited with 1" }),
      ),
    ).toBe("Deploy of release v3: rolled back (exited with 1)");
    expect(
      describeDeployEvent(
        event(4, "runtime.status", { previous: "starting", state: "running", url: "http://127.0.0.1:4000" }),
      ),
    ).toBe("App starting → running at http://127.0.0.1:4000");
  });

  it("tolerates payloads without the usual fields", () => {
    expect(describeDeployEvent(event(1, "deploy.completed"))).toBe("Deploy of release: finished");
    expect(describeDeployEvent(event(2, "runtime.crashed"))).toBe("App crashed");
  });

  it("selects only build, deploy and runtime status events", () => {
    expect(
      ["build.started", "deploy.completed", "runtime.status", "runtime.log", "git.commit"].filter(isDeployEvent),
    ).toEqual(["build.started", "deploy.completed", "runtime.status"]);
  });
});

describe("mergeFeed", () => {
  it("keeps each seq once, in order, and only the newest `cap`", () => {
    const rest = [event(3, "deploy.started"), event(1, "build.started"), event(2, "build.completed")];
    const live = [event(3, "deploy.started"), event(4, "deploy.completed")];
    expect(mergeFeed(rest, live, 10).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    expect(mergeFeed(rest, live, 2).map((e) => e.seq)).toEqual([3, 4]);
  });
});
