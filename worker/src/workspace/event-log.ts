/**
 * The append-only event log: per-project sequence numbers from 1, an event id
 * that makes appends idempotent, and ordered queries (either direction) by
 * type and time.
 */
import type { AgentEvent, EventsQuery, StoredEvent } from "@att/shared";
import { and, asc, desc, eq, gt, gte, inArray, lt, max, type SQL } from "drizzle-orm";
import type { DrizzleSqliteDODatabase } from "drizzle-orm/durable-sqlite";
import { events } from "./schema.ts";

export type WorkspaceDb = DrizzleSqliteDODatabase<Record<string, never>>;

/** A read of the log: `after`/`limit` always, the filters and the direction when wanted. */
export type LogQuery = Pick<EventsQuery, "after" | "limit"> &
  Partial<Pick<EventsQuery, "type" | "since" | "until" | "before" | "order">>;

export interface AppendResult {
  event: StoredEvent;
  /** True when this event id was already in the log; nothing was written. */
  duplicate: boolean;
}

export class EventLog {
  readonly #db: WorkspaceDb;
  constructor(db: WorkspaceDb) {
    this.#db = db;
  }

  /** Appends an event, or returns the stored copy when its id was appended before. */
  append(event: AgentEvent): AppendResult {
    return this.#db.transaction((tx) => {
      const existing = tx.select().from(events).where(eq(events.id, event.id)).get();
      if (existing !== undefined) return { event: toStored(existing), duplicate: true };
      const last = tx
        .select({ seq: max(events.seq) })
        .from(events)
        .where(eq(events.projectId, event.projectId))
        .get();
      const seq = (last?.seq ?? 0) + 1;
      const row = { ...event, seq, payload: JSON.stringify(event.payload) };
      tx.insert(events).values(row).run();
      return { event: { ...event, seq }, duplicate: false };
    });
  }

  lastSeq(projectId: string): number {
    const row = this.#db
      .select({ seq: max(events.seq) })
      .from(events)
      .where(eq(events.projectId, projectId))
      .get();
    return row?.seq ?? 0;
  }

  hasEvents(projectId: string): boolean {
    return this.lastSeq(projectId) > 0;
  }

  /**
   * Events of one project after `query.after` (and below `query.before`), at
   * most `query.limit`: the oldest first, or with order "desc" the newest first.
   */
  list(projectId: string, query: LogQuery): StoredEvent[] {
    const conditions: SQL[] = [eq(events.projectId, projectId), gt(events.seq, query.after)];
    if (query.before !== undefined) conditions.push(lt(events.seq, query.before));
    if (query.type !== undefined) {
      const types = Array.isArray(query.type) ? query.type : [query.type];
      conditions.push(inArray(events.type, types));
    }
    if (query.since !== undefined) conditions.push(gte(events.timestamp, query.since));
    if (query.until !== undefined) conditions.push(lt(events.timestamp, query.until));
    return this.#db
      .select()
      .from(events)
      .where(and(...conditions))
      .orderBy(query.order === "desc" ? desc(events.seq) : asc(events.seq))
      .limit(query.limit)
      .all()
      .map(toStored);
  }
}

function toStored(row: typeof events.$inferSelect): StoredEvent {
  // Rows were validated as AgentEvent before insert; the JSON text is ours.
  return {
    id: row.id,
    projectId: row.projectId,
    seq: row.seq,
    type: row.type as StoredEvent["type"],
    payload: JSON.parse(row.payload) as StoredEvent["payload"],
    actor: row.actor,
    timestamp: row.timestamp,
  };
}
