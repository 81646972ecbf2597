/** App mode: runtime.chat.* events folded into a message, then reconciled with runtime.send's result. */
import { describe, expect, it } from "vitest";
import {
  applyChatEvent,
  applyFailure,
  applyResult,
  type ChatEvent,
  choiceKind,
  DROPPED_PAYLOAD,
  type Message,
  newAssistantMessage,
  parseChatEvent,
  type Step,
  secondsLeft,
  trimConversation,
} from "../src/lib/chat/exchange.ts";
import { uuid } from "../src/lib/uuid.ts";

const X = "7f0c1a52-2d7e-4a4b-9f0e-3f1f6c1d2b10";

function step(id: string, type: string, name: string | null = "chat"): Step {
  return { id, type, name, parentId: null, at: null, durationMs: null, tokens: null, payload: [id] };
}

function event(type: string, payload: unknown): ChatEvent {
  const parsed = parseChatEvent({ type, payload });
  if (parsed === null) throw new Error(`${type} did not parse`);
  return parsed;
}

describe("parseChatEvent", () => {
  it("reads the four chat events and ignores other events and bad payloads", () => {
    expect(event("runtime.chat.delta", { exchangeId: X, index: 0, text: "Hel" })).toEqual({
      type: "delta",
      exchangeId: X,
      index: 0,
      text: "Hel",
    });
    expect(event("runtime.chat.step", { exchangeId: X, step: step("s1", "LLM_START") })).toMatchObject({
      type: "step",
      step: { id: "s1", type: "LLM_START", name: "chat" },
    });
    expect(
      event("runtime.chat.prompt", {
        exchangeId: X,
        interactionId: "i1",
        prompt: { text: "Go on?", inputType: "binary_choice", options: [{ id: "y", label: "Yes", value: "yes" }] },
        awaitsResponse: true,
        expiresAt: null,
      }),
    ).toMatchObject({ type: "prompt", interactionId: "i1", prompt: { options: [{ id: "y", label: "Yes" }] } });
    expect(
      event("runtime.chat.done", {
        exchangeId: X,
        status: "failed",
        error: { code: "upstream_error", message: "boom" },
      }),
    ).toEqual({ type: "done", exchangeId: X, status: "failed", error: { code: "upstream_error", message: "boom" } });

    expect(parseChatEvent({ type: "runtime.log", payload: { exchangeId: X } })).toBeNull();
    expect(parseChatEvent({ type: "runtime.chat.delta", payload: { exchangeId: X } })).toBeNull();
    expect(parseChatEvent({ type: "runtime.chat.step", payload: { exchangeId: X, step: { id: 1 } } })).toBeNull();
    expect(parseChatEvent({ type: "runtime.chat.delta", payload: ["not", "an", "object"] })).toBeNull();
  });
});

describe("applyChatEvent", () => {
  it("streams the answer in order, once, and only for its own exchange", () => {
    const message = newAssistantMessage(X, "websocket");
    expect(applyChatEvent(message, event("runtime.chat.delta", { exchangeId: X, index: 0, text: "Hel" }))).toBe(true);
    applyChatEvent(message, event("runtime.chat.delta", { exchangeId: X, index: 1, text: "lo" }));
    // A replay of a piece already seen, and another exchange's piece, change nothing.
    expect(applyChatEvent(message, event("runtime.chat.delta", { exchangeId: X, index: 1, text: "lo" }))).toBe(false);
    expect(applyChatEvent(message, event("runtime.chat.delta", { exchangeId: uuid(), index: 2, text: "!" }))).toBe(
      false,
    );
    expect(message).toMatchObject({ text: "Hello", deltas: 2, status: "streaming" });
  });

  it("replaces a step NAT resends with the same id and type", () => {
    const message = newAssistantMessage(X, "websocket");
    applyChatEvent(message, event("runtime.chat.step", { exchangeId: X, step: step("s1", "LLM_START") }));
    applyChatEvent(message, event("runtime.chat.step", { exchangeId: X, step: step("s1", "LLM_END") }));
    applyChatEvent(
      message,
      event("runtime.chat.step", { exchangeId: X, step: { ...step("s1", "LLM_END"), durationMs: 5 } }),
    );
    expect(message.steps.map((s) => [s.type, s.durationMs])).toEqual([
      ["LLM_START", null],
      ["LLM_END", 5],
    ]);
  });

  it("keeps prompts with their deadline and closes unanswered ones when the exchange ends", () => {
    const message = newAssistantMessage(X, "websocket");
    const now = Date.parse("2026-01-01T00:00:00Z");
    applyChatEvent(
      message,
      event("runtime.chat.prompt", {
        exchangeId: X,
        interactionId: "i1",
        prompt: { text: "Name?", inputType: "text", timeoutSec: 30 },
        awaitsResponse: true,
        expiresAt: null,
      }),
      now,
    );
    applyChatEvent(
      message,
      event("runtime.chat.prompt", {
        exchangeId: X,
        interactionId: "i2",
        prompt: { text: "FYI", inputType: "notification" },
        awaitsResponse: false,
        expiresAt: "2026-01-01T00:01:00Z",
      }),
      now,
    );
    const [asked, told] = message.prompts;
    expect(asked).toMatchObject({ state: "open", expiresAt: now + 30_000 });
    expect(told).toMatchObject({ state: "closed", expiresAt: now + 60_000 });
    expect(asked && secondsLeft(asked, now + 10_500)).toBe(20);
    expect(asked && secondsLeft(asked, now + 99_000)).toBe(0);
    applyChatEvent(
      message,
      event("runtime.chat.done", { exchangeId: X, status: "failed", error: { message: "no answer" } }),
    );
    expect(asked?.state).toBe("closed");
    expect(message.error).toBeInstanceOf(Error);
  });
});

describe("reconciling with the final result", () => {
  it("lets the final answer and steps win, and ignores events that arrive after it", () => {
    const message = newAssistantMessage(X, "websocket");
    applyChatEvent(message, event("runtime.chat.delta", { exchangeId: X, index: 0, text: "Hello fr" }));
    applyChatEvent(message, event("runtime.chat.step", { exchangeId: X, step: step("s1", "LLM_START") }));
    applyResult(message, {
      text: "Hello from bot!",
      steps: [step("s1", "LLM_START"), step("s1", "LLM_END")],
      durationMs: 12,
      traceId: "t1",
    });
    expect(applyChatEvent(message, event("runtime.chat.delta", { exchangeId: X, index: 1, text: "om bot!" }))).toBe(
      false,
    );
    expect(message).toMatchObject({ text: "Hello from bot!", status: "done", deltas: 1, traceId: "t1" });
    expect(message.steps).toHaveLength(2);
  });

  it("records a failure with the error to show", () => {
    const message = newAssistantMessage(X, "generate");
    const problem = new Error("the app is not running");
    applyFailure(message, problem);
    expect(message).toMatchObject({ status: "failed", error: problem });
  });
});

describe("helpers", () => {
  it("tells choice prompts from text prompts", () => {
    const options = [{ id: "a", label: "A", value: "a" }];
    expect(choiceKind({ text: "", inputType: "text" })).toBe("none");
    expect(choiceKind({ text: "", inputType: "radio", options })).toBe("one");
    expect(choiceKind({ text: "", inputType: "checkbox", options })).toBe("many");
  });
});

describe("trimConversation", () => {
  function conversation(exchanges: number): Message[] {
    const messages: Message[] = [];
    for (let i = 0; i < exchanges; i += 1) {
      messages.push({ role: "user", id: `u${i}`, text: `question ${i}` });
      const answer = newAssistantMessage(`a${i}`, "websocket");
      answer.status = "done";
      answer.steps.push(step(`s${i}`, "LLM_END"));
      messages.push(answer);
    }
    return messages;
  }
  const payloads = (messages: Message[]) =>
    messages.flatMap((m) => (m.role === "assistant" ? m.steps.map((s) => s.payload) : []));

  it("keeps the newest messages, and step payloads only on the newest few", () => {
    const messages = conversation(8);
    trimConversation(messages, 10, 4);
    expect(messages.map((m) => m.id)).toEqual(["u3", "a3", "u4", "a4", "u5", "a5", "u6", "a6", "u7", "a7"]);
    expect(payloads(messages)).toEqual([DROPPED_PAYLOAD, DROPPED_PAYLOAD, DROPPED_PAYLOAD, ["s6"], ["s7"]]);
    // The step list itself stays; a second pass changes nothing.
    trimConversation(messages, 10, 4);
    expect(payloads(messages)).toHaveLength(5);
    expect(payloads(messages)[0]).toBe(DROPPED_PAYLOAD);
  });

  it("never drops the payloads of an answer still streaming", () => {
    const messages = conversation(3);
    const first = messages[1];
    if (first?.role !== "assistant") throw new Error("an answer second");
    first.status = "streaming";
    trimConversation(messages, 200, 2);
    expect(payloads(messages)).toEqual([["s0"], DROPPED_PAYLOAD, ["s2"]]);
  });

  it("leaves a short conversation alone", () => {
    const messages = conversation(3);
    trimConversation(messages);
    expect(messages).toHaveLength(6);
    expect(payloads(messages)).toEqual([["s0"], ["s1"], ["s2"]]);
  });
});
