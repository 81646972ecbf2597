/**
 * The Tests view's logic: the run form as a `test/run` body, the words for
 * counts and locations, and the run history read from stored test.passed /
 * test.failed events (the API keeps every run, but lists none: the events
 * carry each run's id, status, counts and duration).
 */
import type { Schemas } from "#lib/api/client.ts";

export type TestRun = Schemas["TestRun"];
export type TestFailure = Schemas["TestFailure"];
export type RunStatus = Schemas["RunStatus"];
export type TestCounts = Schemas["TestCounts"];
type StoredEvent = Schemas["Event"];

const RUN_STATUSES: readonly RunStatus[] = [
  "running",
  "passed",
  "failed",
  "error",
  "timed_out",
  "no_tests",
  "collection_error",
];
const COUNT_KEYS = ["total", "passed", "failed", "skipped", "errors", "xfailed", "xpassed"] as const;

export interface RunForm {
  /** Files, folders or node ids, separated by spaces, commas or new lines. */
  paths: string;
  keyword: string;
  marker: string;
  timeoutSeconds: number;
  /** Empty: no threshold. */
  coverageThreshold: string;
}

export const EMPTY_FORM: RunForm = { paths: "", keyword: "", marker: "", timeoutSeconds: 600, coverageThreshold: "" };

export function parsePaths(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[\s,]+/)) if (part !== "") seen.add(part);
  return [...seen];
}

export interface RunBody {
  paths: string[];
  keyword?: string;
  marker?: string;
  timeoutSeconds: number;
  coverageThreshold?: number;
  wait: false;
}

/** The body of POST test/run for a background run; blank fields are left out. */
export function runBody(form: RunForm): RunBody {
  const keyword = form.keyword.trim();
  const marker = form.marker.trim();
  const threshold = form.coverageThreshold.trim() === "" ? Number.NaN : Number(form.coverageThreshold);
  return {
    paths: parsePaths(form.paths),
    ...(keyword === "" ? {} : { keyword }),
    ...(marker === "" ? {} : { marker }),
    timeoutSeconds: Math.round(form.timeoutSeconds),
    ...(Number.isFinite(threshold) ? { coverageThreshold: threshold } : {}),
    wait: false,
  };
}

/** What a run selects, in words: "all tests", "tests/x.py, -k answer". */
export function selectionOf(body: RunBody): string {
  const parts = [...body.paths];
  if (body.keyword !== undefined) parts.push(`-k ${body.keyword}`);
  if (body.marker !== undefined) parts.push(`-m ${body.marker}`);
  return parts.length === 0 ? "all tests" : parts.join(", ");
}

/** "3 passed, 1 failed, 2 skipped" (zero counts left out). */
export function countsSummary(counts: TestCounts): string {
  const parts: string[] = [];
  for (const key of COUNT_KEYS) {
    if (key === "total") continue;
    const value = counts[key];
    if (value > 0) parts.push(`${value} ${key === "errors" ? (value === 1 ? "error" : "errors") : key}`);
  }
  return parts.length === 0 ? "no tests ran" : parts.join(", ");
}

/** "tests/test_x.py:12", the file alone, or null. */
export function locationOf(failure: TestFailure): string | null {
  if (failure.file === null) return null;
  return failure.line === null ? failure.file : `${failure.file}:${failure.line}`;
}

export interface HistoryEntry {
  runId: string;
  status: RunStatus;
  counts: TestCounts | null;
  durationMs: number | null;
  at: string;
  seq: number;
}

function parseStatus(value: unknown): RunStatus | null {
  return RUN_STATUSES.find((status) => status === value) ?? null;
}

function parseCounts(value: unknown): TestCounts | null {
  if (typeof value !== "object" || value === null) return null;
  const counts: TestCounts = { total: 0, passed: 0, failed: 0, skipped: 0, errors: 0, xfailed: 0, xpassed: 0 };
  for (const key of COUNT_KEYS) {
    const n: unknown = Reflect.get(value, key);
    if (typeof n !== "number" || !Number.isInteger(n)) return null;
    counts[key] = n;
  }
  return counts;
}

/** A finished run from its test.passed / test.failed event; null for anything else. */
export function historyEntryOf(event: StoredEvent): HistoryEntry | null {
  if (event.type !== "test.passed" && event.type !== "test.failed") return null;
  const runId = event.payload.runId;
  const status = parseStatus(event.payload.status);
  if (typeof runId !== "string" || status === null) return null;
  const duration = event.payload.durationMs;
  return {
    runId,
    status,
    counts: parseCounts(event.payload.counts),
    durationMs: typeof duration === "number" ? duration : null,
    at: event.timestamp,
    seq: event.seq,
  };
}

/** Adds finished runs, newest first, one entry per run, at most `cap`. */
export function mergeHistory(
  history: readonly HistoryEntry[],
  added: readonly HistoryEntry[],
  cap = 20,
): HistoryEntry[] {
  const byRun = new Map<string, HistoryEntry>();
  for (const entry of [...history, ...added]) {
    const known = byRun.get(entry.runId);
    if (known === undefined || entry.seq > known.seq) byRun.set(entry.runId, entry);
  }
  return [...byRun.values()].sort((a, b) => b.seq - a.seq).slice(0, cap);
}

/** The run's id from a test.* event payload. */
export function runIdOf(event: StoredEvent): string | null {
  const runId = event.payload.runId;
  return typeof runId === "string" ? runId : null;
}
