/**
 * Reads the payloads of the runtime's live events (runtime.log,
 * runtime.status, runtime.crashed, runtime.chat.done). Event payloads are
 * plain JSON objects on the wire, so each is checked field by field here:
 * anything malformed is dropped rather than trusted.
 */
import type { Schemas } from "#lib/api/client.ts";
import { int, isRecord, type Payload, str } from "#lib/payload.ts";
import type { LogLine } from "./log-buffer.ts";
import { parseLevel, parseStream } from "./log-filter.ts";

export type RuntimeState = Schemas["RuntimeState"];

export const RUNTIME_STATES: readonly RuntimeState[] = ["stopped", "starting", "running", "unhealthy", "crashed"];

export function parseState(value: unknown): RuntimeState | null {
  return RUNTIME_STATES.find((state) => state === value) ?? null;
}

/** The lines of one runtime.log batch; malformed lines are skipped. */
export function parseLogBatch(payload: Payload): LogLine[] {
  const runtimeId = str(payload.runtimeId) ?? "";
  if (!Array.isArray(payload.lines)) return [];
  const lines: LogLine[] = [];
  for (const raw of payload.lines) {
    if (!isRecord(raw)) continue;
    const cursor = int(raw.cursor);
    const at = str(raw.at);
    const stream = parseStream(str(raw.stream) ?? "");
    const text = str(raw.text);
    if (cursor === null || at === null || stream === null || text === null) continue;
    const level = raw.level === null ? null : parseLevel(str(raw.level) ?? "");
    lines.push({ cursor, at, stream, level, text, runtimeId });
  }
  return lines;
}

export interface StatusChange {
  state: RuntimeState;
  previous: RuntimeState | null;
  reason: string | null;
  pid: number | null;
  port: number | null;
  url: string | null;
}

export function parseStatusChange(payload: Payload): StatusChange | null {
  const state = parseState(payload.state);
  if (state === null) return null;
  return {
    state,
    previous: parseState(payload.previous),
    reason: str(payload.reason),
    pid: int(payload.pid),
    port: int(payload.port),
    url: str(payload.url),
  };
}

export interface Crash {
  exitCode: number | null;
  signal: string | null;
  phase: string | null;
  lastLines: string[];
}

export function parseCrash(payload: Payload): Crash {
  const lastLines = Array.isArray(payload.lastLines)
    ? payload.lastLines.filter((line): line is string => typeof line === "string")
    : [];
  return { exitCode: int(payload.exitCode), signal: str(payload.signal), phase: str(payload.phase), lastLines };
}

/** The trace of a finished exchange (runtime.chat.done), when it has one. */
export function traceIdOf(payload: Payload): string | null {
  return str(payload.traceId);
}
