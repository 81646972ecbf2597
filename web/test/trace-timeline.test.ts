/**
 * Trace steps as a timeline: START/END pairs become spans with offsets and
 * widths, children nest under parents, unmatched steps still show.
 */
import { describe, expect, it } from "vitest";
import type { Schemas } from "../src/lib/api/client.ts";
import { buildTimeline } from "../src/lib/runtime/trace-timeline.ts";

type Step = Schemas["IntermediateStep"];

const T0 = Date.parse("2026-11-21T10:00:00.000Z");
function step(type: string, id: string, atMs: number | null, extra: Partial<Step> = {}): Step {
  return {
    id,
    parentId: null,
    type,
    name: null,
    at: atMs === null ? null : new Date(T0 + atMs).toISOString(),
    durationMs: null,
    tokens: null,
    payload: null,
    ...extra,
  };
}

describe("trace timeline", () => {
  it("pairs workflow_full steps into nested spans placed on the trace's time axis", () => {
    const steps = [
      step("WORKFLOW_START", "w", 0, { name: "chat_completion" }),
      step("FUNCTION_START", "f", 100, { parentId: "w", name: "<workflow>" }),
      step("FUNCTION_END", "f", 300, { parentId: "w", name: "<workflow>", durationMs: 200 }),
      step("WORKFLOW_END", "w", 400, { name: "chat_completion", durationMs: 400 }),
    ];
    const timeline = buildTimeline(steps);
    expect(timeline.totalMs).toBe(400);
    expect(timeline.rows.map((r) => [r.category, r.name, r.depth, r.durationMs, r.offset, r.width])).toEqual([
      ["WORKFLOW", "chat_completion", 0, 400, 0, 100],
      ["FUNCTION", "<workflow>", 1, 200, 25, 50],
    ]);
    expect(timeline.rows.every((r) => !r.open)).toBe(true);
  });

  it("computes a duration from the pair's times when the end carries none", () => {
    const timeline = buildTimeline([step("LLM_START", "l", 0), step("LLM_END", "l", 250)]);
    expect(timeline.rows).toHaveLength(1);
    expect(timeline.rows[0]?.durationMs).toBe(250);
  });

  it("places an end without its start by its duration, and keeps instants and open spans", () => {
    const timeline = buildTimeline([
      step("TOOL_END", "t", 500, { durationMs: 200, name: "search" }),
      step("CUSTOM", "c", 100),
      step("LLM_START", "l", 0),
    ]);
    const byCategory = Object.fromEntries(timeline.rows.map((r) => [r.category, r]));
    expect(byCategory.TOOL).toMatchObject({ start: T0 + 300, end: T0 + 500, durationMs: 200 });
    expect(byCategory.CUSTOM).toMatchObject({ durationMs: null, offset: 20, width: 0 });
    expect(byCategory.LLM).toMatchObject({ open: true, offset: 0, width: 100 });
  });

  it("keeps steps without times as rows without bars", () => {
    const timeline = buildTimeline([step("FUNCTION_START", "f", null), step("FUNCTION_END", "f", null)], 42);
    expect(timeline.rows).toHaveLength(1);
    expect(timeline.rows[0]?.offset).toBeNull();
    expect(timeline.totalMs).toBe(42);
  });
});
