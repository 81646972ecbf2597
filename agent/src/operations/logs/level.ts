/**
 * The level of an app's output line, read from the prefixes Python programs
 * print: NAT's `<time> - INFO     - nat.x:12 - ...`, uvicorn's `INFO:     ...`,
 * the logging module's `WARNING:root:...` or `... - name - ERROR - ...`, and
 * `file.py:3: SomeWarning: ...` from the warnings module. Pragmatic: a line
 * that carries none of these has no level.
 */
import type { LogLevel } from "./types.ts";

const NAMES = "DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL";
/** `<date> <time>[.ms] - LEVEL` (NAT and its uvicorn lines). */
const TIMESTAMPED = new RegExp(`^\\d{4}-\\d{2}-\\d{2}[ T][\\d:.,]+\\s+-\\s+(${NAMES})\\b`);
/** `LEVEL:` or `[LEVEL]` at the start (uvicorn's default format, logging.basicConfig). */
const LEADING = new RegExp(`^\\[?(${NAMES})(?:\\]|:)`);
/** `... - LEVEL - ...` within the first part of the line (logging's common format). */
const DASHED = new RegExp(`\\s-\\s+(${NAMES})\\s+-\\s`);
/** `path.py:12: DeprecationWarning: ...` printed by the warnings module. */
const PY_WARNING = /^\S+\.py:\d+: \w*Warning: /;
const TRACEBACK = /Traceback \(most recent call last\):\s*$/;

const BY_NAME: Readonly<Record<string, LogLevel>> = {
  DEBUG: "debug",
  INFO: "info",
  WARNING: "warning",
  WARN: "warning",
  ERROR: "error",
  CRITICAL: "critical",
  FATAL: "critical",
};

/** How far into a line the dashed form is looked for: a level lives in the prefix, not the message. */
const PREFIX_CHARS = 160;

export function parseLevel(text: string): LogLevel | null {
  const head = text.slice(0, PREFIX_CHARS);
  const match = TIMESTAMPED.exec(head) ?? LEADING.exec(head) ?? DASHED.exec(head);
  const name = match?.[1];
  if (name !== undefined) return BY_NAME[name] ?? null;
  if (PY_WARNING.test(head)) return "warning";
  if (TRACEBACK.test(text)) return "error";
  return null;
}

export const LEVEL_ORDER: readonly LogLevel[] = ["debug", "info", "warning", "error", "critical"];

/** The levels at `min` or above. */
export function levelsFrom(min: LogLevel): LogLevel[] {
  return LEVEL_ORDER.slice(LEVEL_ORDER.indexOf(min));
}
