/**
 * The trace store on the agent's real SQLite database: newest first, per
 * project, pruned to the newest MAX_TRACES_PER_PROJECT on insert; and
 * debug.traces on top of it.
 */

import type { IntermediateStep } from "@att/shared";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { debugTraces } from "../src/operations/debug/traces/operation.ts";
import {
  listTraces,
  MAX_TRACES_PER_PROJECT,
  saveTrace,
  type TraceRecord,
} from "../src/operations/debug/traces/store.ts";
import { summarizeSteps } from "../src/operations/debug/traces/summary.ts";
import { OperationError } from "../src/operations/errors.ts";
import { projects } from "./projects-helpers.ts";
import { callOperation } from "./support/call.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

let context: TestContext;

beforeEach(() => {
  context = createTestContext();
});

afterEach(async () => {
  await context.dispose();
});

function trace(projectId: string, id: string, createdAt = new Date().toISOString()): TraceRecord {
  return {
    id,
    projectId,
    source: "runtime.send",
    input: `input ${id}`,
    output: `output ${id}`,
    createdAt,
    durationMs: 1,
    steps: [],
    summary: {},
  };
}

function step(type: string, id: string, tokens: IntermediateStep["tokens"] = null): IntermediateStep {
  return { id, parentId: null, type, name: null, at: null, durationMs: null, tokens, payload: null };
}

const ids = (projectId: string, limit = 100) => listTraces(context.db, projectId, limit).map((t) => t.id);

describe("the trace store", () => {
  it("keeps each project's newest traces, newest first, without touching other projects", () => {
    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
    for (let i = 1; i <= 5; i += 1) saveTrace(context.db, trace("a", `a${i}`, at(i)), 3);
    saveTrace(context.db, trace("b", "b1", at(0)), 3);
    expect(ids("a")).toEqual(["a5", "a4", "a3"]);
    expect(ids("a", 2)).toEqual(["a5", "a4"]);
    expect(ids("b")).toEqual(["b1"]);
  });

  it("orders traces of the same instant by insertion, latest first", () => {
    const now = new Date().toISOString();
    for (const id of ["x", "y", "z"]) saveTrace(context.db, trace("p", id, now));
    expect(ids("p")).toEqual(["z", "y", "x"]);
  });

  it("prunes to MAX_TRACES_PER_PROJECT by default", () => {
    const total = MAX_TRACES_PER_PROJECT + 5;
    const base = Date.UTC(2026, 0, 1);
    for (let i = 0; i < total; i += 1) saveTrace(context.db, trace("p", `t${i}`, new Date(base + i).toISOString()));
    const kept = ids("p", MAX_TRACES_PER_PROJECT + 10);
    expect(kept).toHaveLength(MAX_TRACES_PER_PROJECT);
    expect(kept.at(-1)).toBe("t5");
  });

  it("holds exactly the newest min(n, keep) of any n inserts", () => {
    let run = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 5 }), (n, keep) => {
        run += 1;
        const projectId = `prop${run}`;
        for (let i = 0; i < n; i += 1) saveTrace(context.db, trace(projectId, `${projectId}-${i}`), keep);
        const expected = Array.from({ length: n }, (_, i) => `${projectId}-${i}`)
          .slice(-keep)
          .reverse();
        expect(ids(projectId)).toEqual(expected);
      }),
    );
  });
});

describe("debug.traces", () => {
  it("lists a project's traces by limit and finds one by id", async () => {
    const { project } = await projects.create(context, { name: "traced", template: "chatbot" });
    for (const id of ["t1", "t2", "t3"]) saveTrace(context.db, trace(project.id, id));
    const listed = await callOperation(context, "debug.traces", { projectId: project.id, limit: 2 });
    expect(listed.traces.map((t) => t.id)).toEqual(["t3", "t2"]);
    const one = await callOperation(context, "debug.traces", { projectId: project.id, traceId: "t1" });
    expect(one.traces).toEqual([trace(project.id, "t1", one.traces[0]?.createdAt)]);
  });

  it("answers not_found for an unknown project or trace", async () => {
    const unknownProject = await debugTraces({ projectId: "nope", limit: 20 }, context).catch((e: unknown) => e);
    expect(unknownProject).toBeInstanceOf(OperationError);
    expect(unknownProject).toMatchObject({ code: "not_found" });
    const { project } = await projects.create(context, { name: "untraced", template: "chatbot" });
    saveTrace(context.db, trace("someone_else", "theirs"));
    const foreign = await callOperation(context, "debug.traces", { projectId: project.id, traceId: "theirs" }).catch(
      (e: unknown) => e,
    );
    expect(foreign).toMatchObject({ code: "not_found" });
  });
});

describe("trace summaries", () => {
  it("counts steps by type, LLM calls, and the tokens of LLM ends", () => {
    const steps = [
      step("WORKFLOW_START", "w"),
      step("LLM_START", "l1"),
      step("LLM_END", "l1", { prompt: 10, completion: 2, total: 12 }),
      step("LLM_START", "l2"),
      step("LLM_END", "l2", { prompt: 5, completion: 1, total: 6 }),
      step("TOOL_END", "t", { prompt: 99, completion: 99, total: 198 }),
      step("WORKFLOW_END", "w"),
    ];
    expect(summarizeSteps(steps, 42)).toEqual({
      steps: 7,
      byType: { WORKFLOW_START: 1, LLM_START: 2, LLM_END: 2, TOOL_END: 1, WORKFLOW_END: 1 },
      llmCalls: 2,
      tokens: { prompt: 15, completion: 3, total: 18 },
      durationMs: 42,
    });
    expect(summarizeSteps([], null)).toEqual({ steps: 0, byType: {}, llmCalls: 0, tokens: null, durationMs: null });
  });
});
