/** Property tests: valid values survive JSON; junk is refused with a clear error, never a throw. */
import {
  AGENT_METHODS,
  AgentEvent,
  AgentToServerFrame,
  MAX_FRAME_BYTES,
  Project,
  parseFrame,
  RequestFrame,
  ServerToAgentFrame,
  StoredEvent,
} from "@att/shared";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agentEvent, id, json, project } from "./arbitraries.ts";

const roundTrip = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

describe("valid values round-trip through JSON", () => {
  it("Project", () => {
    fc.assert(
      fc.property(project, (p) => {
        expect(Project.parse(roundTrip(p))).toEqual(p);
      }),
    );
  });

  it("AgentEvent and StoredEvent", () => {
    fc.assert(
      fc.property(agentEvent, fc.integer({ min: 1, max: 2 ** 40 }), (event, seq) => {
        expect(AgentEvent.parse(roundTrip(event))).toEqual(event);
        expect(StoredEvent.parse(roundTrip({ ...event, seq }))).toEqual({ ...event, seq });
      }),
    );
  });

  it("agent frames: hello, event, response", () => {
    const hello = fc.record({
      type: fc.constant("hello" as const),
      protocolVersion: fc.constant(1),
      agentId: id,
      capabilities: fc.record({
        agentVersion: fc.string({ maxLength: 10 }),
        os: fc.record({
          platform: fc.string({ maxLength: 10 }),
          release: fc.string({ maxLength: 10 }),
          arch: fc.string({ maxLength: 10 }),
        }),
        node: fc.string({ maxLength: 10 }),
        git: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
        python: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
        nat: fc.option(fc.string({ maxLength: 10 }), { nil: null }),
        projectsDir: fc.string({ maxLength: 50 }),
      }),
      projects: fc.array(project, { maxLength: 3 }),
    });
    const event = agentEvent.map((e) => ({ type: "event" as const, event: e }));
    const response = fc.record({
      type: fc.constant("response" as const),
      id,
      ok: fc.constant(true as const),
      result: json,
    });
    fc.assert(
      fc.property(fc.oneof(hello, event, response), (frame) => {
        const parsed = parseFrame(AgentToServerFrame, JSON.stringify(frame));
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect(parsed.frame).toEqual(roundTrip(frame));
      }),
    );
  });

  it("request frames for every method", () => {
    const requests = fc.oneof(
      fc.record({
        type: fc.constant("request"),
        id,
        method: fc.constant("agent.ping"),
        params: fc.record({ payload: fc.string({ maxLength: 1024 }) }),
      }),
      fc.record({ type: fc.constant("request"), id, method: fc.constant("projects.list"), params: fc.constant({}) }),
      fc.record({
        type: fc.constant("request"),
        id,
        method: fc.constant("projects.get"),
        params: fc.record({ projectId: id }),
      }),
      fc.record({
        type: fc.constant("request"),
        id,
        method: fc.constant("diagnostics.emitEvents"),
        params: fc.record({ projectId: id, count: fc.integer({ min: 1, max: 10_000 }) }),
      }),
    );
    fc.assert(
      fc.property(requests, (frame) => {
        expect(RequestFrame.parse(roundTrip(frame))).toEqual(frame);
        expect(parseFrame(ServerToAgentFrame, JSON.stringify(frame)).ok).toBe(true);
      }),
    );
  });
});

describe("junk is rejected with a clear error", () => {
  it("arbitrary text never throws and never parses as a frame it is not", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseFrame(AgentToServerFrame, text);
        if (!parsed.ok) {
          expect(["invalid_json", "validation_failed"]).toContain(parsed.error.code);
          expect(parsed.error.message.length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it("arbitrary JSON values are refused unless they really are frames", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = parseFrame(ServerToAgentFrame, JSON.stringify(value));
        expect(parsed.ok).toBe(ServerToAgentFrame.safeParse(value).success);
        if (!parsed.ok) {
          expect(parsed.error.code).toBe("validation_failed");
          expect(Array.isArray(parsed.error.details)).toBe(true);
        }
      }),
    );
  });

  it("a valid event with one field corrupted is refused and names the field", () => {
    const corruptions = fc.constantFrom(
      ["id", "not-a-uuid"],
      ["projectId", "../etc"],
      ["type", "no.such.type"],
      ["timestamp", "yesterday"],
      ["payload", [1, 2]],
      ["actor", ""],
    );
    fc.assert(
      fc.property(agentEvent, corruptions, (event, [field, value]) => {
        const parsed = parseFrame(
          AgentToServerFrame,
          JSON.stringify({ type: "event", event: { ...event, [field]: value } }),
        );
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) expect(JSON.stringify(parsed.error.details)).toContain(field);
      }),
    );
  });

  it("a __proto__ key anywhere in a payload is refused, not silently dropped", () => {
    const event = `{"id":"${crypto.randomUUID()}","projectId":"p","type":"diagnostic","timestamp":"2026-01-01T00:00:00.000Z","actor":"agent"`;
    for (const payload of ['{"__proto__":{}}', '{"a":[{"__proto__":1}]}']) {
      const parsed = parseFrame(AgentToServerFrame, `{"type":"event","event":${event},"payload":${payload}}}`);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(JSON.stringify(parsed.error.details)).toContain("__proto__");
    }
  });

  it("unknown methods and unknown frame types are refused", () => {
    expect(
      parseFrame(ServerToAgentFrame, JSON.stringify({ type: "request", id: "1", method: "rm.rf", params: {} })).ok,
    ).toBe(false);
    expect(parseFrame(AgentToServerFrame, JSON.stringify({ type: "telepathy" })).ok).toBe(false);
  });

  it("frames over the size limit are refused before parsing", () => {
    const big = JSON.stringify({ type: "heartbeat", pad: "é".repeat(MAX_FRAME_BYTES / 2 + 1) });
    const parsed = parseFrame(AgentToServerFrame, big);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.tooLarge).toBe(true);
      expect(parsed.error.code).toBe("payload_too_large");
    }
  });
});

describe("request frames", () => {
  it("exist for every method in the allow-list, and for nothing else", () => {
    const framed = RequestFrame.options.map((option) => option.shape.method.value).sort();
    expect(framed).toEqual(Object.keys(AGENT_METHODS).sort());
  });
});
