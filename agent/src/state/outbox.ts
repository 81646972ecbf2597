/**
 * Durable outbox of events for the control plane. Events are written here
 * first (so a kill or a dropped link loses none), sent in order, and deleted
 * only when the control plane acknowledges them.
 */
import type { AgentEvent } from "@att/shared";
import { asc, count, eq, gt } from "drizzle-orm";
import type { AgentDb } from "./db.ts";
import { outbox } from "./schema.ts";

export interface OutboxEntry {
  seq: number;
  event: AgentEvent;
}

export class Outbox {
  readonly #db: AgentDb;
  constructor(db: AgentDb) {
    this.#db = db;
  }

  /** Appends events atomically: either all are queued or none. */
  enqueue(events: readonly AgentEvent[]): void {
    this.#db.transaction((tx) => {
      for (const event of events)
        tx.insert(outbox)
          .values({ eventId: event.id, frame: JSON.stringify(event) })
          .run();
    });
  }

  /** Queued events after `afterSeq`, oldest first. */
  after(afterSeq: number, limit: number): OutboxEntry[] {
    return this.#db
      .select()
      .from(outbox)
      .where(gt(outbox.seq, afterSeq))
      .orderBy(asc(outbox.seq))
      .limit(limit)
      .all()
      .map((row) => ({ seq: row.seq, event: JSON.parse(row.frame) as AgentEvent }));
  }

  acknowledge(eventId: string): void {
    this.#db.delete(outbox).where(eq(outbox.eventId, eventId)).run();
  }

  size(): number {
    return this.#db.select({ n: count() }).from(outbox).get()?.n ?? 0;
  }
}
