/**
 * Recorded runs in the agent's `runs` table: test runs (TestRun) and
 * `nat run`/`nat eval` (NatRunRecord), the full record as JSON. `runner`
 * names the agent process that owns an unfinished run, so a later process
 * can mark the ones left behind.
 */
import { NatRunRecord, TestRun } from "@att/shared";
import { and, desc, eq, inArray, ne, sql } from "drizzle-orm";
import type { z } from "zod";
import type { AgentDb } from "../../state/db.ts";
import { runs } from "../../state/schema.ts";
import { OperationError } from "../errors.ts";

/** Identifies this agent process: running runs owned by any other runner are orphans. */
export const RUNNER_ID = crypto.randomUUID();

const ORPHAN_REASON = "the agent stopped before the run finished";

interface RecordOf {
  test: TestRun;
  "nat.run": NatRunRecord;
  "nat.eval": NatRunRecord;
}
export type RunKind = keyof RecordOf;
type AnyRecord = RecordOf[RunKind];

const SCHEMAS = { test: TestRun, "nat.run": NatRunRecord, "nat.eval": NatRunRecord } as const;

type Row = typeof runs.$inferSelect;

/** Inserts the run or replaces its record. */
export function saveRun<K extends RunKind>(db: AgentDb, kind: K, record: RecordOf[K]): void {
  const now = new Date().toISOString();
  const values = { status: record.status, record: JSON.stringify(record), updatedAt: now };
  db.insert(runs)
    .values({ id: record.id, projectId: record.projectId, kind, runner: RUNNER_ID, createdAt: now, ...values })
    .onConflictDoUpdate({ target: runs.id, set: values })
    .run();
}

/** Which runs a read looks at, and the schema their records must match. */
export interface RunQuery<T> {
  projectId: string;
  kinds: readonly RunKind[];
  schema: z.ZodType<T>;
}

/** One run of the project by id, among the query's kinds; not_found otherwise. */
export function getRun<T>(db: AgentDb, query: RunQuery<T> & { id: string }): T {
  const row = db
    .select()
    .from(runs)
    .where(and(eq(runs.projectId, query.projectId), eq(runs.id, query.id), inArray(runs.kind, [...query.kinds])))
    .get();
  if (row === undefined) throw new OperationError("not_found", `no run '${query.id}' in this project`);
  return parseRecord(row, query.schema);
}

/** The project's runs of the query's kinds, newest first. */
export function listRuns<T>(db: AgentDb, query: RunQuery<T> & { limit: number }): T[] {
  return db
    .select()
    .from(runs)
    .where(and(eq(runs.projectId, query.projectId), inArray(runs.kind, [...query.kinds])))
    .orderBy(desc(runs.createdAt), desc(sql`rowid`))
    .limit(query.limit)
    .all()
    .map((row) => parseRecord(row, query.schema));
}

/**
 * Runs an earlier agent process left running can never finish: marks them
 * error with the reason. Call once at agent start; returns how many.
 */
export function reapOrphanedRuns(db: AgentDb): number {
  const orphans = db
    .select()
    .from(runs)
    .where(and(eq(runs.status, "running"), ne(runs.runner, RUNNER_ID)))
    .all();
  const finishedAt = new Date().toISOString();
  for (const row of orphans) {
    const record = parseRecord<AnyRecord>(row, SCHEMAS[row.kind]);
    const ended: AnyRecord = { ...record, status: "error", reason: ORPHAN_REASON, finishedAt };
    db.update(runs)
      .set({ status: ended.status, record: JSON.stringify(ended), updatedAt: finishedAt })
      .where(eq(runs.id, row.id))
      .run();
  }
  return orphans.length;
}

function parseRecord<T>(row: Row, schema: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(row.record);
  } catch {
    throw new OperationError("internal", `run '${row.id}' has an unreadable record`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new OperationError("internal", `run '${row.id}' has an invalid record`);
  return parsed.data;
}
