/**
 * Frames on the agent link (agent <-> control plane) and on subscriber sockets
 * (control plane -> clients). Each is a member of a discriminated union on
 * `type`; receivers parse with `parseFrame` and never trust a cast.
 */
import { z } from "zod";
import { describeZodError, WireError } from "./errors.ts";
import { JsonValue } from "./json.ts";
import { AGENT_METHODS, type AgentMethod } from "./methods.ts";
import { AgentEvent, Id, Project, StoredEvent, Timestamp } from "./models.ts";
import { MAX_FRAME_BYTES } from "./version.ts";

export const RequestId = z.string().min(1).max(128);

export const Capabilities = z
  .object({
    agentVersion: z.string().max(64),
    os: z.object({ platform: z.string().max(64), release: z.string().max(128), arch: z.string().max(32) }),
    node: z.string().max(64),
    git: z.string().max(64).nullable(),
    python: z.string().max(64).nullable(),
    nat: z.string().max(64).nullable(),
    projectsDir: z.string().max(4096),
  })
  .meta({ id: "AgentCapabilities" });
export type Capabilities = z.infer<typeof Capabilities>;

// --- agent -> control plane -------------------------------------------------

export const HelloFrame = z.object({
  type: z.literal("hello"),
  protocolVersion: z.number().int().min(1),
  agentId: Id,
  capabilities: Capabilities,
  projects: z.array(Project).max(10_000),
});

export const ResponseFrame = z.discriminatedUnion("ok", [
  z.object({ type: z.literal("response"), id: RequestId, ok: z.literal(true), result: JsonValue }),
  z.object({ type: z.literal("response"), id: RequestId, ok: z.literal(false), error: WireError }),
]);

export type ResponseFrame = z.infer<typeof ResponseFrame>;

export const EventFrame = z.object({ type: z.literal("event"), event: AgentEvent });

/** Sent as this exact text so the Durable Object can auto-answer it without waking. */
export const HEARTBEAT_TEXT = '{"type":"heartbeat"}';
export const HEARTBEAT_ACK_TEXT = '{"type":"heartbeat.ack"}';
export const HeartbeatFrame = z.object({ type: z.literal("heartbeat") });
export const HeartbeatAckFrame = z.object({ type: z.literal("heartbeat.ack") });

export const ErrorFrame = z.object({ type: z.literal("error"), error: WireError });

export const AgentToServerFrame = z.discriminatedUnion("type", [
  HelloFrame,
  ResponseFrame,
  EventFrame,
  HeartbeatFrame,
  ErrorFrame,
]);
export type AgentToServerFrame = z.infer<typeof AgentToServerFrame>;

// --- control plane -> agent -------------------------------------------------

export const HelloAckFrame = z.object({
  type: z.literal("hello.ack"),
  protocolVersion: z.number().int().min(1),
  serverVersion: z.string(),
});

const requestFrameFor = <M extends AgentMethod>(method: M) =>
  z.object({
    type: z.literal("request"),
    id: RequestId,
    method: z.literal(method),
    params: AGENT_METHODS[method].params,
  });

/** One request schema per method, derived from the allow-list so a new method needs no edit here. */
type RequestFrameSchema = { [M in AgentMethod]: ReturnType<typeof requestFrameFor<M>> }[AgentMethod];
const REQUEST_FRAMES = (Object.keys(AGENT_METHODS) as AgentMethod[]).map((method) =>
  requestFrameFor(method),
) as unknown as [RequestFrameSchema, ...RequestFrameSchema[]];

export const RequestFrame = z.discriminatedUnion("method", REQUEST_FRAMES);
export type RequestFrame = z.infer<typeof RequestFrame>;

export const ResponseAckFrame = z.object({ type: z.literal("response.ack"), id: RequestId });
export const EventAckFrame = z.object({
  type: z.literal("event.ack"),
  eventId: AgentEvent.shape.id,
  seq: z.number().int().min(1),
});

export const ServerToAgentFrame = z.discriminatedUnion("type", [
  HelloAckFrame,
  RequestFrame,
  ResponseAckFrame,
  EventAckFrame,
  HeartbeatAckFrame,
  ErrorFrame,
]);
export type ServerToAgentFrame = z.infer<typeof ServerToAgentFrame>;

// --- control plane -> event subscribers --------------------------------------

export const SubscriberEventFrame = z.object({ type: z.literal("event"), event: StoredEvent });
export const SubscriberReadyFrame = z.object({
  type: z.literal("ready"),
  projectId: Id,
  /** Highest sequence number replayed (with `tail`, the project's newest); live events follow from here. */
  seq: z.number().int().min(0),
  at: Timestamp,
});
export const ServerToSubscriberFrame = z.discriminatedUnion("type", [
  SubscriberEventFrame,
  SubscriberReadyFrame,
  ErrorFrame,
]);
export type ServerToSubscriberFrame = z.infer<typeof ServerToSubscriberFrame>;

// --- parsing ---------------------------------------------------------------

export type FrameParseResult<T> = { ok: true; frame: T } | { ok: false; error: WireError; tooLarge: boolean };

/**
 * Parses one text frame against a schema. Never throws: oversized text,
 * malformed JSON and schema failures come back as a wire error.
 */
export function parseFrame<T>(schema: z.ZodType<T>, text: string): FrameParseResult<T> {
  if (isOverFrameLimit(text)) {
    return {
      ok: false,
      tooLarge: true,
      error: { code: "payload_too_large", message: `frame exceeds ${MAX_FRAME_BYTES} bytes` },
    };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, tooLarge: false, error: { code: "invalid_json", message: "frame is not valid JSON" } };
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      tooLarge: false,
      error: {
        code: "validation_failed",
        message: "frame does not match the protocol",
        details: describeZodError(parsed.error),
      },
    };
  }
  return { ok: true, frame: parsed.data };
}

export function isOverFrameLimit(text: string): boolean {
  // UTF-8 needs at most 3 bytes per UTF-16 unit, so short text needs no counting.
  if (text.length * 3 <= MAX_FRAME_BYTES) return false;
  return utf8Length(text) > MAX_FRAME_BYTES;
}

/** UTF-8 byte length without TextEncoder (not in every runtime's type library). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i += 1;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
