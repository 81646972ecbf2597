/**
 * Workflow traces in the agent's SQLite `traces` table, one JSON record per
 * trace, newest first; a project keeps its newest MAX_TRACES_PER_PROJECT.
 */
import { Trace } from "@att/shared";
import { and, desc, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { AgentDb } from "../../../state/db.ts";
import { traces } from "../../../state/schema.ts";

export type TraceRecord = z.infer<typeof Trace>;

export const MAX_TRACES_PER_PROJECT = 500;

/** Stores a trace and drops the project's oldest beyond the cap, in one transaction. */
export function saveTrace(db: AgentDb, trace: TraceRecord, keep = MAX_TRACES_PER_PROJECT): void {
  db.transaction((tx) => {
    tx.insert(traces)
      .values({ id: trace.id, projectId: trace.projectId, record: JSON.stringify(trace), createdAt: trace.createdAt })
      .run();
    tx.run(sql`DELETE FROM ${traces} WHERE ${traces.projectId} = ${trace.projectId} AND rowid NOT IN (
      SELECT rowid FROM ${traces} WHERE ${traces.projectId} = ${trace.projectId}
      ORDER BY ${traces.createdAt} DESC, rowid DESC LIMIT ${keep})`);
  });
}

function parseRecord(record: string): TraceRecord {
  return Trace.parse(JSON.parse(record));
}

/** The project's newest traces first (ties in time: the later insert first). */
export function listTraces(db: AgentDb, projectId: string, limit: number): TraceRecord[] {
  return db
    .select({ record: traces.record })
    .from(traces)
    .where(eq(traces.projectId, projectId))
    .orderBy(desc(traces.createdAt), desc(sql`rowid`))
    .limit(limit)
    .all()
    .map((row) => parseRecord(row.record));
}

export function getTrace(db: AgentDb, projectId: string, traceId: string): TraceRecord | null {
  const row = db
    .select({ record: traces.record })
    .from(traces)
    .where(and(eq(traces.projectId, projectId), eq(traces.id, traceId)))
    .get();
  return row === undefined ? null : parseRecord(row.record);
}
