/**
 * Parsed errors in SQLite, one row per project and fingerprint: a repeat
 * raises the count and moves lastSeen and the log cursor to the latest
 * occurrence (and keeps its message, which may carry new values).
 */
import { ParsedError } from "@att/shared";
import { and, desc, eq, gte, sql } from "drizzle-orm";
import type { AgentDb } from "../../../state/db.ts";
import { runtimeErrors } from "../../../state/schema.ts";
import type { ErrorDetail } from "./types.ts";

export interface Occurrence {
  at: string;
  logCursor: number;
}

export function recordError(db: AgentDb, projectId: string, detail: ErrorDetail, seen: Occurrence): void {
  db.insert(runtimeErrors)
    .values({
      projectId,
      fingerprint: detail.fingerprint,
      detail: JSON.stringify(detail),
      count: 1,
      firstSeen: seen.at,
      lastSeen: seen.at,
      logCursor: seen.logCursor,
    })
    .onConflictDoUpdate({
      target: [runtimeErrors.projectId, runtimeErrors.fingerprint],
      set: {
        count: sql`${runtimeErrors.count} + 1`,
        detail: JSON.stringify(detail),
        lastSeen: seen.at,
        logCursor: seen.logCursor,
      },
    })
    .run();
}

const StoredDetail = ParsedError.omit({ count: true, firstSeen: true, lastSeen: true, logCursor: true });

/** Newest first (by last occurrence). */
export function listErrors(
  db: AgentDb,
  query: { projectId: string; limit: number; since?: string | undefined },
): ParsedError[] {
  const filters = [eq(runtimeErrors.projectId, query.projectId)];
  if (query.since !== undefined) filters.push(gte(runtimeErrors.lastSeen, new Date(query.since).toISOString()));
  return db
    .select()
    .from(runtimeErrors)
    .where(and(...filters))
    .orderBy(desc(runtimeErrors.lastSeen), desc(runtimeErrors.logCursor))
    .limit(query.limit)
    .all()
    .map((row) => ({
      ...StoredDetail.parse(JSON.parse(row.detail)),
      count: row.count,
      firstSeen: row.firstSeen,
      lastSeen: row.lastSeen,
      logCursor: row.logCursor,
    }));
}
