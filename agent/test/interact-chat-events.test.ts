/**
 * The batching of runtime.chat.* events (ChatEvents), on a real outbox:
 * many chunks in one window become one delta, a step resent as it progresses
 * is sent once in its newest version, order is kept, and long strings in a
 * step's payload are cut short.
 */
import type { AgentEvent, IntermediateStep } from "@att/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CHAT_BATCH_MS, ChatEvents, MAX_STEP_STRING_CHARS } from "../src/operations/interact/chat-events.ts";
import { projects } from "./projects-helpers.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

let context: TestContext;
let projectId: string;

beforeEach(async () => {
  context = createTestContext();
  projectId = (await projects.create(context, { name: "events_app" })).project.id;
});
afterEach(() => context.dispose());

function chatEvents(): AgentEvent[] {
  return context.outbox
    .after(0, 100_000)
    .map((entry) => entry.event)
    .filter((event) => event.type.startsWith("runtime.chat."));
}

function step(id: string, type: string, payload: IntermediateStep["payload"] = null): IntermediateStep {
  return { id, parentId: null, type, name: "fn", at: null, durationMs: null, tokens: null, payload };
}

describe("ChatEvents", () => {
  it("gathers a window's chunks into one delta and a step's versions into its newest, in order", () => {
    const events = new ChatEvents({ context, projectId, exchangeId: "x1" });
    events.step(step("s1", "FUNCTION_START", "v1"));
    for (let index = 0; index < 1000; index += 1) events.text(`${index},`);
    events.step(step("s1", "FUNCTION_START", "v2"));
    events.step(step("s1", "FUNCTION_END"));
    events.text("tail");
    expect(chatEvents()).toEqual([]); // nothing before the window ends
    events.emit("runtime.chat.done", { exchangeId: "x1", status: "completed", durationMs: 1 });
    const sent = chatEvents().map((event) => [event.type, event.payload]);
    const text = Array.from({ length: 1000 }, (_, index) => `${index},`).join("");
    expect(sent).toEqual([
      ["runtime.chat.step", { exchangeId: "x1", step: step("s1", "FUNCTION_START", "v2") }],
      ["runtime.chat.delta", { exchangeId: "x1", index: 0, text }],
      ["runtime.chat.step", { exchangeId: "x1", step: step("s1", "FUNCTION_END") }],
      ["runtime.chat.delta", { exchangeId: "x1", index: 1, text: "tail" }],
      ["runtime.chat.done", { exchangeId: "x1", status: "completed", durationMs: 1 }],
    ]);
  });

  it("sends a window once it has passed, without being asked", async () => {
    const events = new ChatEvents({ context, projectId, exchangeId: "x2" });
    events.text("a");
    events.text("b");
    await new Promise((resolve) => setTimeout(resolve, CHAT_BATCH_MS * 4));
    expect(chatEvents().map((event) => event.payload)).toEqual([{ exchangeId: "x2", index: 0, text: "ab" }]);
    expect(context.wakes()).toBeGreaterThan(0);
  });

  it("cuts long strings of a step's payload short", () => {
    const events = new ChatEvents({ context, projectId, exchangeId: "x3" });
    const long = "y".repeat(MAX_STEP_STRING_CHARS + 500);
    events.step(step("s2", "LLM_END", { content: { payload: long, name: "short" }, list: [long] }));
    events.flush();
    const [event] = chatEvents();
    const cut = `${"y".repeat(MAX_STEP_STRING_CHARS)}… (${long.length} characters)`;
    expect(event?.payload).toMatchObject({
      step: { payload: { content: { payload: cut, name: "short" }, list: [cut] } },
    });
  });
});
