/**
 * The project terminal's logic without a DOM: reading terminal.output and
 * terminal.exit payloads (checked field by field, they are plain JSON on the
 * wire), the shell-like command history walked with the arrow keys, and the
 * one-line summary of how a command ended.
 */
import type { Schemas } from "#lib/api/client.ts";
import { duration } from "#lib/format.ts";
import { int, type Payload, str } from "#lib/payload.ts";

export interface TerminalOutput {
  runId: string;
  stream: "stdout" | "stderr";
  text: string;
}

export type TerminalExit = Pick<
  Schemas["TerminalRunResult"],
  "runId" | "exitCode" | "signal" | "timedOut" | "durationMs"
>;

export function parseTerminalOutput(payload: Payload): TerminalOutput | null {
  const runId = str(payload.runId);
  const text = str(payload.text);
  const stream = payload.stream === "stdout" || payload.stream === "stderr" ? payload.stream : null;
  return runId === null || text === null || stream === null ? null : { runId, stream, text };
}

export function parseTerminalExit(payload: Payload): TerminalExit | null {
  const runId = str(payload.runId);
  const durationMs = int(payload.durationMs);
  if (runId === null || durationMs === null || typeof payload.timedOut !== "boolean") return null;
  return {
    runId,
    exitCode: int(payload.exitCode),
    signal: str(payload.signal),
    timedOut: payload.timedOut,
    durationMs,
  };
}

/** "exit 0 · 12 ms", "timed out, ended by SIGTERM · 1.0 min", "ended by SIGKILL · 3.2 s". */
export function exitSummary(exit: TerminalExit): string {
  const how = exit.timedOut
    ? `timed out, ended by ${exit.signal ?? "a signal"}`
    : exit.exitCode !== null
      ? `exit ${exit.exitCode}`
      : `ended by ${exit.signal ?? "a signal"}`;
  return `${how} · ${duration(exit.durationMs)}`;
}

export function succeeded(exit: TerminalExit): boolean {
  return exit.exitCode === 0 && !exit.timedOut;
}

/** Commands typed earlier, oldest first; `position` is where the arrows are (entries.length: the line being typed). */
export interface History {
  readonly entries: readonly string[];
  readonly position: number;
  /** What was typed before walking back, restored when walking forward past the newest entry. */
  readonly draft: string;
}

export const HISTORY_LIMIT = 200;

export function emptyHistory(entries: readonly string[] = []): History {
  const kept = entries.filter((entry) => entry.trim() !== "").slice(-HISTORY_LIMIT);
  return { entries: kept, position: kept.length, draft: "" };
}

/** Adds a run command (not twice in a row, never blank) and puts the arrows back on a new line. */
export function remember(history: History, command: string): History {
  const trimmed = command.trim();
  const entries =
    trimmed === "" || history.entries.at(-1) === trimmed ? history.entries : [...history.entries, trimmed];
  const kept = entries.slice(-HISTORY_LIMIT);
  return { entries: kept, position: kept.length, draft: "" };
}

/** Arrow up: the previous command, keeping what is being typed as the draft. */
export function older(history: History, current: string): { history: History; value: string } {
  if (history.position === 0) return { history, value: current };
  const draft = history.position === history.entries.length ? current : history.draft;
  const position = history.position - 1;
  return { history: { ...history, position, draft }, value: history.entries[position] ?? current };
}

/** Arrow down: the next command, or the draft after the newest. */
export function newer(history: History, current: string): { history: History; value: string } {
  if (history.position >= history.entries.length) return { history, value: current };
  const position = history.position + 1;
  const value = position === history.entries.length ? history.draft : (history.entries[position] ?? current);
  return { history: { ...history, position }, value };
}

/** Reads a stored history (localStorage text); anything but a list of strings gives none. */
export function parseStoredHistory(text: string | null): string[] {
  if (text === null) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter((entry): entry is string => typeof entry === "string") : [];
  } catch {
    return [];
  }
}
