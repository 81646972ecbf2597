/**
 * Reads stored log lines by cursor, with the filters of `runtime.logs` (and
 * `debug.logs`, the same reader): stream, minimum level and time range in
 * SQL, the regular expression in JavaScript over pages of rows. A pattern
 * that matches rarely scans at most `MAX_SCANNED` rows per call and answers
 * with `hasMore` and a `nextCursor` past what it scanned, so a caller can
 * continue without the agent ever walking the whole table at once.
 */
import type { LogLine, MethodResult } from "@att/shared";
import { and, asc, desc, eq, gt, gte, inArray, lte, type SQL } from "drizzle-orm";
import type { AgentDb } from "../../state/db.ts";
import { runtimeLogs } from "../../state/schema.ts";
import { OperationError } from "../errors.ts";
import { levelsFrom } from "./level.ts";
import type { LogQuery } from "./types.ts";

const PAGE_ROWS = 2000;
export const MAX_SCANNED = 100_000;

type Row = typeof runtimeLogs.$inferSelect;
type LogsResult = MethodResult<"runtime.logs">;

export function readLogs(db: AgentDb, query: LogQuery): LogsResult {
  const pattern = compilePattern(query.pattern);
  const filters = sqlFilters(query);
  if (query.tail) return readTail(db, query, filters, pattern);
  if (pattern === null) {
    const rows = page(db, filters, gt(runtimeLogs.cursor, query.after), "asc", query.limit + 1);
    const lines = rows.slice(0, query.limit).map(toLine);
    return { lines, nextCursor: lines.at(-1)?.cursor ?? query.after, hasMore: rows.length > query.limit };
  }
  const lines: LogLine[] = [];
  let scanned = 0;
  let cursor = query.after;
  for (;;) {
    const rows = page(db, filters, gt(runtimeLogs.cursor, cursor), "asc", PAGE_ROWS);
    for (const row of rows) {
      scanned += 1;
      cursor = row.cursor;
      if (pattern.test(row.text)) lines.push(toLine(row));
      if (lines.length === query.limit || scanned === MAX_SCANNED) {
        const more = page(db, filters, gt(runtimeLogs.cursor, cursor), "asc", 1).length > 0;
        return { lines, nextCursor: cursor, hasMore: more };
      }
    }
    if (rows.length < PAGE_ROWS) return { lines, nextCursor: cursor, hasMore: false };
  }
}

/** The newest matching lines (oldest first); `nextCursor` is the newest line scanned, to follow on from. */
function readTail(db: AgentDb, query: LogQuery, filters: SQL[], pattern: RegExp | null): LogsResult {
  const lines: LogLine[] = [];
  let newest = query.after;
  let before = Number.MAX_SAFE_INTEGER;
  let scanned = 0;
  while (lines.length < query.limit && scanned < MAX_SCANNED) {
    const rows = page(
      db,
      [...filters, gt(runtimeLogs.cursor, query.after)],
      lte(runtimeLogs.cursor, before - 1),
      "desc",
      pattern === null ? query.limit : PAGE_ROWS,
    );
    for (const row of rows) {
      newest = Math.max(newest, row.cursor);
      scanned += 1;
      if (pattern === null || pattern.test(row.text)) lines.push(toLine(row));
      if (lines.length === query.limit) break;
    }
    const last = rows.at(-1);
    if (last === undefined || rows.length < (pattern === null ? query.limit : PAGE_ROWS)) break;
    before = last.cursor;
  }
  return { lines: lines.reverse(), nextCursor: newest, hasMore: false };
}

function page(db: AgentDb, filters: SQL[], bound: SQL, order: "asc" | "desc", limit: number): Row[] {
  return db
    .select()
    .from(runtimeLogs)
    .where(and(...filters, bound))
    .orderBy(order === "asc" ? asc(runtimeLogs.cursor) : desc(runtimeLogs.cursor))
    .limit(limit)
    .all();
}

function sqlFilters(query: LogQuery): SQL[] {
  const filters: SQL[] = [eq(runtimeLogs.projectId, query.projectId)];
  if (query.stream !== undefined) filters.push(eq(runtimeLogs.stream, query.stream));
  if (query.minLevel !== undefined) filters.push(inArray(runtimeLogs.level, levelsFrom(query.minLevel)));
  // Stored times are toISOString() output; normalising the bounds keeps the text comparison exact.
  if (query.since !== undefined) filters.push(gte(runtimeLogs.at, new Date(query.since).toISOString()));
  if (query.until !== undefined) filters.push(lte(runtimeLogs.at, new Date(query.until).toISOString()));
  return filters;
}

function compilePattern(pattern: string | undefined): RegExp | null {
  if (pattern === undefined) return null;
  try {
    return new RegExp(pattern);
  } catch (error) {
    throw new OperationError(
      "bad_request",
      `invalid pattern: ${error instanceof Error ? error.message : String(error)}`,
      {
        pattern,
      },
    );
  }
}

function toLine(row: Row): LogLine {
  return {
    cursor: row.cursor,
    at: row.at,
    stream: row.stream,
    level: row.level,
    text: row.text,
    runtimeId: row.runtimeId,
  };
}
