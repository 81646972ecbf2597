/**
 * The runtime's health history: the state transitions the view has seen
 * (stored runtime.status events on load, live ones after, and the current
 * status as a fallback), in time order and capped, plus the segments a
 * timeline strip draws from them.
 */
import type { Schemas } from "#lib/api/client.ts";
import { parseStatusChange, type RuntimeState } from "./events.ts";

type StoredEvent = Schemas["Event"];
type RuntimeStatus = Schemas["RuntimeStatus"];

export const HEALTH_HISTORY_CAP = 50;

export interface HealthEntry {
  /** Identity, so a replayed event is not counted twice. */
  key: string;
  at: string;
  state: RuntimeState;
  previous: RuntimeState | null;
  reason: string | null;
}

/** Adds one transition in time order; repeats (same key) are ignored, the oldest fall off past `cap`. */
export function addEntry(history: readonly HealthEntry[], entry: HealthEntry, cap = HEALTH_HISTORY_CAP): HealthEntry[] {
  if (history.some((known) => known.key === entry.key)) return history.slice();
  const next = history.slice();
  let index = next.length;
  while (index > 0 && (next[index - 1]?.at ?? "") > entry.at) index -= 1;
  next.splice(index, 0, entry);
  return next.slice(Math.max(0, next.length - cap));
}

export function entryFromEvent(event: StoredEvent): HealthEntry | null {
  if (event.type !== "runtime.status") return null;
  const change = parseStatusChange(event.payload);
  if (change === null) return null;
  return {
    key: `seq:${event.seq}`,
    at: event.timestamp,
    state: change.state,
    previous: change.previous,
    reason: change.reason,
  };
}

/**
 * The current status, added only when the history does not already end in
 * that state (e.g. its events are older than the stored window).
 */
export function withStatus(history: readonly HealthEntry[], status: RuntimeStatus, now: string): HealthEntry[] {
  const last = history.at(-1);
  if (last?.state === status.state) return history.slice();
  const at = status.state !== "stopped" && status.startedAt !== null ? status.startedAt : now;
  return addEntry(history, {
    key: `status:${status.state}:${at}`,
    at: last !== undefined && at < last.at ? now : at,
    state: status.state,
    previous: last?.state ?? null,
    reason: status.reason,
  });
}

export interface HealthSegment {
  state: RuntimeState;
  from: number;
  to: number;
  /** Share of the whole span, 0–100. */
  percent: number;
}

/** Consecutive spans of the same state from the first entry to `now`. */
export function segments(history: readonly HealthEntry[], now: number): HealthSegment[] {
  const spans: HealthSegment[] = [];
  history.forEach((entry, index) => {
    const from = Date.parse(entry.at);
    const next = history[index + 1];
    const to = Math.max(from, next === undefined ? now : Date.parse(next.at));
    const last = spans.at(-1);
    if (last !== undefined && last.state === entry.state) last.to = to;
    else spans.push({ state: entry.state, from, to, percent: 0 });
  });
  const first = spans[0];
  const end = spans.at(-1);
  if (first === undefined || end === undefined) return [];
  const total = end.to - first.from;
  for (const span of spans) span.percent = total > 0 ? ((span.to - span.from) / total) * 100 : 100 / spans.length;
  return spans;
}
