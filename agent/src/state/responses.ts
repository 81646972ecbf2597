/**
 * Answers to control-plane requests, by request id. An answer is resent after
 * every reconnect until acknowledged; acknowledged answers are kept for a day
 * so a request delivered twice is answered from here, not run twice.
 */
import { and, eq, lt } from "drizzle-orm";
import type { AgentDb } from "./db.ts";
import { responses } from "./schema.ts";

const KEEP_MS = 24 * 60 * 60 * 1000;

export class ResponseStore {
  readonly #db: AgentDb;
  constructor(db: AgentDb) {
    this.#db = db;
    this.#db
      .delete(responses)
      .where(and(eq(responses.acked, true), lt(responses.createdAt, Date.now() - KEEP_MS)))
      .run();
  }

  save(requestId: string, frameText: string): void {
    this.#db
      .insert(responses)
      .values({ requestId, frame: frameText, createdAt: Date.now() })
      .onConflictDoNothing()
      .run();
  }

  find(requestId: string): string | undefined {
    return this.#db.select({ frame: responses.frame }).from(responses).where(eq(responses.requestId, requestId)).get()
      ?.frame;
  }

  acknowledge(requestId: string): void {
    this.#db.update(responses).set({ acked: true }).where(eq(responses.requestId, requestId)).run();
  }

  unacknowledged(): string[] {
    return this.#db
      .select({ frame: responses.frame })
      .from(responses)
      .where(eq(responses.acked, false))
      .orderBy(responses.createdAt)
      .all()
      .map((row) => row.frame);
  }
}
