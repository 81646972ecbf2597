/**
 * WebSocket cases for the fuzz suite: random text, binary and oversized
 * frames on a project's event stream and on the agent link. A socket may
 * ignore a frame, answer with an `error` frame, or close, but only with a
 * close code ATT defines (shared/src/errors.ts).
 */
import { CloseCode, PROTOCOL_VERSION } from "@att/shared";
import fc from "fast-check";
import WebSocket from "ws";
import { anyJson, junkText } from "./inputs.ts";

export const DEFINED_CLOSE_CODES: ReadonlySet<number> = new Set(Object.values(CloseCode));

export type FrameSpec =
  | { kind: "text"; text: string }
  | { kind: "json"; value: unknown }
  | { kind: "binary"; data: Uint8Array }
  | { kind: "huge"; bytes: number; binary: boolean }
  | { kind: "protocol"; frame: Record<string, unknown> };

const CAPABILITIES = {
  agentVersion: "0.0.0-fuzz",
  os: { platform: "linux", release: "fuzz", arch: "x64" },
  node: "24.0.0",
  git: null,
  python: null,
  nat: null,
  projectsDir: "/nonexistent/fuzz",
};

const AGENT_FRAME_TYPES = ["hello", "response", "event", "heartbeat", "error", "request", "hello.ack", "fz"];

/** Frames shaped like the agent protocol's, with fields missing or wrong. */
const protocolFrame: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record(
    {
      type: fc.constantFrom(...AGENT_FRAME_TYPES),
      id: fc.oneof(junkText, fc.uuid()),
      ok: fc.boolean(),
      result: anyJson,
      error: fc.oneof(anyJson, fc.record({ code: junkText, message: junkText })),
      event: anyJson,
      protocolVersion: fc.oneof(fc.constant(PROTOCOL_VERSION), fc.integer()),
    },
    { requiredKeys: ["type"] },
  ),
  // A hello, valid or with the wrong protocol version or junk capabilities; a valid one lets later frames past the handshake.
  fc.record({
    type: fc.constant("hello"),
    protocolVersion: fc.oneof(fc.constant(PROTOCOL_VERSION), fc.constant(PROTOCOL_VERSION + 1), fc.integer()),
    agentId: fc.stringMatching(/^fz[a-z0-9]{4,12}$/),
    capabilities: fc.oneof(fc.constant(CAPABILITIES), anyJson),
    projects: fc.constant([]),
  }),
);

export const frameSpec: fc.Arbitrary<FrameSpec> = fc.oneof(
  { weight: 3, arbitrary: junkText.map((text): FrameSpec => ({ kind: "text", text })) },
  { weight: 3, arbitrary: anyJson.map((value): FrameSpec => ({ kind: "json", value })) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 256 }).map((data): FrameSpec => ({ kind: "binary", data })) },
  { weight: 3, arbitrary: protocolFrame.map((frame): FrameSpec => ({ kind: "protocol", frame })) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("huge" as const),
      bytes: fc.constantFrom(1_048_577, 2_000_000),
      binary: fc.boolean(),
    }),
  },
);

function payloadOf(spec: FrameSpec): string | Buffer {
  switch (spec.kind) {
    case "text":
      return spec.text;
    case "json":
      return JSON.stringify(spec.value) ?? "null";
    case "binary":
      return Buffer.from(spec.data);
    case "huge":
      return spec.binary ? Buffer.alloc(spec.bytes, 0x7b) : "x".repeat(spec.bytes);
    case "protocol":
      return JSON.stringify(spec.frame);
  }
}

export interface SocketOutcome {
  /** The close code the server sent, or 1006 when the connection dropped without one. */
  closeCode: number;
  /** Whether the server closed first (before our own close). */
  serverClosed: boolean;
  messages: string[];
}

/** Room for the server to answer or close after the last frame. */
const SETTLE_MS = 30;
const DEADLINE_MS = 30_000;

/**
 * Opens a socket, waits for `ready` when asked, sends the frames, then
 * closes normally and reports how the server ended the connection.
 */
export function exchange(options: {
  url: string;
  token: string;
  frames: readonly FrameSpec[];
  waitForReady: boolean;
}): Promise<SocketOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(options.url, { headers: { authorization: `Bearer ${options.token}` } });
    const messages: string[] = [];
    let serverClosed = true;
    let started = false;
    const deadline = setTimeout(() => {
      ws.terminate();
      reject(new Error(`socket exchange did not finish within ${DEADLINE_MS} ms`));
    }, DEADLINE_MS);
    const start = async () => {
      if (started) return;
      started = true;
      for (const frame of options.frames) {
        if (ws.readyState !== WebSocket.OPEN) break;
        ws.send(payloadOf(frame));
        await new Promise((r) => setTimeout(r, 2));
      }
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      if (ws.readyState === WebSocket.OPEN) {
        serverClosed = false;
        ws.close(CloseCode.normal, "fuzz case done");
      }
    };
    ws.on("open", () => {
      if (!options.waitForReady) void start();
    });
    ws.on("message", (data) => {
      const text = data.toString();
      messages.push(text);
      if (options.waitForReady && text.includes('"type":"ready"')) void start();
    });
    ws.on("unexpected-response", (_req, res) => {
      clearTimeout(deadline);
      reject(new Error(`the upgrade was refused: ${res.statusCode}`));
    });
    ws.on("error", () => {
      // The close event follows and says how the connection ended.
    });
    ws.on("close", (code) => {
      clearTimeout(deadline);
      resolve({ closeCode: code, serverClosed, messages });
    });
  });
}

/** Why the server's side of an exchange is out of protocol, or null when it is fine. */
export function outcomeDefect(outcome: SocketOutcome): string | null {
  if (!DEFINED_CLOSE_CODES.has(outcome.closeCode)) return `closed with undefined code ${outcome.closeCode}`;
  for (const text of outcome.messages) {
    let frame: { type?: unknown; error?: { code?: unknown; message?: unknown } };
    try {
      frame = JSON.parse(text) as typeof frame;
    } catch {
      return `sent a frame that is not JSON: ${text.slice(0, 200)}`;
    }
    if (typeof frame.type !== "string") return `sent a frame without a type: ${text.slice(0, 200)}`;
    if (frame.type === "error" && (typeof frame.error?.code !== "string" || typeof frame.error.message !== "string")) {
      return `sent a malformed error frame: ${text.slice(0, 200)}`;
    }
  }
  return null;
}
