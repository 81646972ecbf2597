/**
 * The Runtime view's log lines as a pure reducer: a window of at most `cap`
 * lines in cursor order. Live batches are appended (the oldest fall off the
 * front), "load older" pages are prepended (the newest fall off the back and
 * the window is no longer at the live head). Every call costs O(cap) at most,
 * whatever arrives, so the view never grows without bound and stays smooth
 * while an app prints a flood of output; the view calls `appendLines` once
 * per animation frame with everything queued by `enqueue` meanwhile.
 */
import type { Schemas } from "#lib/api/client.ts";

export type LogLine = Schemas["LogLine"];

/** The most lines the view keeps (and so renders). */
export const DEFAULT_LOG_CAP = 5000;

export interface LogBuffer {
  /** Oldest first; cursors strictly ascending. */
  readonly lines: readonly LogLine[];
  readonly cap: number;
  /** Lines that fell off the front since the last reset. */
  readonly dropped: number;
  /** Newer lines than the window holds exist (they were cut off to make room for older ones). */
  readonly detached: boolean;
}

export function emptyBuffer(cap = DEFAULT_LOG_CAP): LogBuffer {
  if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`cap must be a positive integer, not ${cap}`);
  return { lines: [], cap, dropped: 0, detached: false };
}

/** A fresh window with these lines (a history page), keeping the newest `cap`. */
export function resetLines(buffer: LogBuffer, lines: readonly LogLine[]): LogBuffer {
  const sorted = ascendingUnique(lines);
  const start = Math.max(0, sorted.length - buffer.cap);
  return { lines: sorted.slice(start), cap: buffer.cap, dropped: start, detached: false };
}

/** Adds lines newer than the newest held; older or repeated cursors are ignored (a replay after reconnect). */
export function appendLines(buffer: LogBuffer, incoming: readonly LogLine[]): LogBuffer {
  if (buffer.detached) return buffer;
  const last = buffer.lines.at(-1)?.cursor ?? 0;
  const fresh = ascendingUnique(incoming).filter((line) => line.cursor > last);
  if (fresh.length === 0) return buffer;
  const total = buffer.lines.length + fresh.length;
  const drop = Math.max(0, total - buffer.cap);
  const lines =
    drop >= buffer.lines.length ? fresh.slice(drop - buffer.lines.length) : buffer.lines.slice(drop).concat(fresh);
  return { ...buffer, lines, dropped: buffer.dropped + drop };
}

/** Adds lines older than the oldest held (a "load older" page); the newest fall off when the window is full. */
export function prependLines(buffer: LogBuffer, older: readonly LogLine[]): LogBuffer {
  const first = buffer.lines[0]?.cursor ?? Number.POSITIVE_INFINITY;
  const fresh = ascendingUnique(older).filter((line) => line.cursor < first);
  if (fresh.length === 0) return buffer;
  const kept = fresh.slice(Math.max(0, fresh.length - buffer.cap));
  const room = buffer.cap - kept.length;
  const cut = buffer.lines.length > room;
  const lines = kept.concat(cut ? buffer.lines.slice(0, room) : buffer.lines);
  return { ...buffer, lines, detached: buffer.detached || cut };
}

/**
 * Queues live lines until the next frame. The queue never holds more than
 * `cap` lines: anything older would fall off the window anyway.
 */
export function enqueue(queue: LogLine[], lines: readonly LogLine[], cap: number): LogLine[] {
  for (const line of lines) queue.push(line);
  if (queue.length > cap * 2) queue.splice(0, queue.length - cap);
  return queue;
}

function ascendingUnique(lines: readonly LogLine[]): LogLine[] {
  let sorted = true;
  for (let i = 1; i < lines.length && sorted; i += 1) {
    const previous = lines[i - 1];
    const current = lines[i];
    if (previous !== undefined && current !== undefined && current.cursor <= previous.cursor) sorted = false;
  }
  if (sorted) return lines.slice();
  const byCursor = new Map<number, LogLine>();
  for (const line of lines) byCursor.set(line.cursor, line);
  return [...byCursor.values()].sort((a, b) => a.cursor - b.cursor);
}
