/**
 * The log view's filters, with exactly the semantics of the agent's log
 * reader (`runtime/logs`): a minimum level leaves out lines without a level,
 * the pattern is a JavaScript regular expression (no flags) tested against
 * the text, and the stream must match. The server applies them to history;
 * the view applies `compileFilter` to live lines so both agree.
 */
import type { Schemas } from "#lib/api/client.ts";
import type { LogLine } from "./log-buffer.ts";

export type LogLevel = Schemas["LogLevel"];
export type LogStream = Schemas["LogStream"];

export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warning", "error", "critical"];
export const LOG_STREAMS: readonly LogStream[] = ["stdout", "stderr", "att"];

export interface LogFilter {
  minLevel: LogLevel | null;
  /** Empty: no pattern. */
  pattern: string;
  stream: LogStream | null;
}

export const NO_FILTER: LogFilter = { minLevel: null, pattern: "", stream: null };

export type CompiledFilter = { ok: true; matches: (line: LogLine) => boolean } | { ok: false; message: string };

export function compileFilter(filter: LogFilter): CompiledFilter {
  let regex: RegExp | null = null;
  if (filter.pattern !== "") {
    try {
      regex = new RegExp(filter.pattern);
    } catch (error) {
      return { ok: false, message: `invalid pattern: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  const min = filter.minLevel === null ? -1 : LOG_LEVELS.indexOf(filter.minLevel);
  const { stream } = filter;
  return {
    ok: true,
    matches: (line) => {
      if (stream !== null && line.stream !== stream) return false;
      if (min >= 0 && (line.level === null || LOG_LEVELS.indexOf(line.level) < min)) return false;
      return regex === null || regex.test(line.text);
    },
  };
}

export interface LogQuery {
  minLevel?: LogLevel;
  pattern?: string;
  stream?: LogStream;
}

/** The filter as `runtime/logs` query parameters (empty parts left out). */
export function filterQuery(filter: LogFilter): LogQuery {
  return {
    ...(filter.minLevel === null ? {} : { minLevel: filter.minLevel }),
    ...(filter.pattern === "" ? {} : { pattern: filter.pattern }),
    ...(filter.stream === null ? {} : { stream: filter.stream }),
  };
}

export function isFiltered(filter: LogFilter): boolean {
  return filter.minLevel !== null || filter.pattern !== "" || filter.stream !== null;
}

export function parseLevel(value: string): LogLevel | null {
  return LOG_LEVELS.find((level) => level === value) ?? null;
}

export function parseStream(value: string): LogStream | null {
  return LOG_STREAMS.find((stream) => stream === value) ?? null;
}
