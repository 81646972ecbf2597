/**
 * Many timers on one Durable Object alarm. Owners schedule keys (`hub:<id>`,
 * `workflow:<id>`); the alarm is always set to the earliest row, and when it
 * fires the due keys are taken (deleted) and handed to their owners. Rows
 * live in SQLite, so timers survive eviction and a control-plane restart.
 */
import { asc, eq, lte } from "drizzle-orm";
import type { WorkspaceDb } from "./event-log.ts";
import { wakeups } from "./schema.ts";

export class Wakeups {
  readonly #db: WorkspaceDb;
  readonly #storage: DurableObjectStorage;

  constructor(db: WorkspaceDb, storage: DurableObjectStorage) {
    this.#db = db;
    this.#storage = storage;
  }

  /** Wakes `key` at `at` (epoch ms); an earlier schedule of the same key is replaced. */
  async schedule(key: string, at: number): Promise<void> {
    this.#db.insert(wakeups).values({ key, at }).onConflictDoUpdate({ target: wakeups.key, set: { at } }).run();
    await this.rearm();
  }

  async cancel(key: string): Promise<void> {
    this.#db.delete(wakeups).where(eq(wakeups.key, key)).run();
    await this.rearm();
  }

  /** When `key` is due, or undefined. */
  dueAt(key: string): number | undefined {
    return this.#db.select({ at: wakeups.at }).from(wakeups).where(eq(wakeups.key, key)).get()?.at;
  }

  /** Removes and returns every key due by `now`, earliest first. */
  takeDue(now = Date.now()): string[] {
    return this.#db.transaction((tx) => {
      const due = tx.select().from(wakeups).where(lte(wakeups.at, now)).orderBy(asc(wakeups.at)).all();
      for (const row of due) tx.delete(wakeups).where(eq(wakeups.key, row.key)).run();
      return due.map((row) => row.key);
    });
  }

  /** Sets the alarm to the earliest row (or clears it when there is none). */
  async rearm(): Promise<void> {
    const next = this.#db.select({ at: wakeups.at }).from(wakeups).orderBy(asc(wakeups.at)).limit(1).get();
    if (next === undefined) await this.#storage.deleteAlarm();
    else await this.#storage.setAlarm(Math.max(next.at, Date.now()));
  }
}
