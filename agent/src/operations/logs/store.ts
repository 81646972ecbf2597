/**
 * Where managed apps' output lines go. `append` is synchronous and cheap: it
 * gives the line its cursor (counted in memory from the last stored one, so
 * the ring and live events carry it before the insert commits), keeps it in a
 * bounded ring, and queues it for SQLite and for a live event. SQLite receives
 * lines in batches, one transaction each, every `flushMs` or `batchLines`
 * lines; so a burst never waits on the database line by line, and the table
 * always holds a gap-free prefix of the cursors handed out. Each project keeps
 * at most `retainPerProject` lines; the oldest are pruned in the flush.
 */
import { count, eq, max, sql } from "drizzle-orm";
import { log } from "../../log.ts";
import type { AgentDb } from "../../state/db.ts";
import { runtimeLogs } from "../../state/schema.ts";
import { parseLevel } from "./level.ts";
import { LiveBatches, type LiveBatchOptions } from "./live.ts";
import { Ring } from "./ring.ts";
import type { StoredLine } from "./store-types.ts";
import type { LogLevel, LogStream } from "./types.ts";

export interface LogStoreOptions {
  db: AgentDb;
  publish: LiveBatchOptions["publish"];
  ringSize?: number;
  retainPerProject?: number;
  flushMs?: number;
  batchLines?: number;
  eventMs?: number;
  eventLines?: number;
  eventBytes?: number;
}

export interface AppendLine {
  projectId: string;
  runtimeId: string;
  stream: LogStream;
  text: string;
  /** Parsed from the text when not given. */
  level?: LogLevel | null;
}

export const LOG_DEFAULTS = {
  ringSize: 10_000,
  retainPerProject: 200_000,
  flushMs: 50,
  batchLines: 1000,
  eventMs: 100,
  eventLines: 1000,
  eventBytes: 128 * 1024,
} as const;

export class LogStore {
  readonly #db: AgentDb;
  readonly #ring: Ring<StoredLine>;
  readonly #live: LiveBatches;
  readonly #retain: number;
  readonly #flushMs: number;
  readonly #batchLines: number;
  /** Lines handed out but not yet in SQLite, in cursor order. */
  #pending: StoredLine[] = [];
  #timer: NodeJS.Timeout | null = null;
  #cursor: number;
  /** Stored lines per project, learnt on first write, to know when to prune without counting each time. */
  readonly #counts = new Map<string, number>();
  readonly #lastByProject = new Map<string, number>();
  #closed = false;

  constructor(options: LogStoreOptions) {
    this.#db = options.db;
    this.#ring = new Ring(options.ringSize ?? LOG_DEFAULTS.ringSize);
    this.#retain = options.retainPerProject ?? LOG_DEFAULTS.retainPerProject;
    this.#flushMs = options.flushMs ?? LOG_DEFAULTS.flushMs;
    this.#batchLines = options.batchLines ?? LOG_DEFAULTS.batchLines;
    this.#live = new LiveBatches({
      intervalMs: options.eventMs ?? LOG_DEFAULTS.eventMs,
      maxLines: options.eventLines ?? LOG_DEFAULTS.eventLines,
      maxBytes: options.eventBytes ?? LOG_DEFAULTS.eventBytes,
      publish: options.publish,
    });
    this.#cursor = this.#storedCursor();
  }

  /** Gives the line a cursor and queues it everywhere; null once the store is closed. */
  append(input: AppendLine): StoredLine | null {
    if (this.#closed) return null;
    this.#cursor += 1;
    const line: StoredLine = {
      cursor: this.#cursor,
      at: new Date().toISOString(),
      stream: input.stream,
      level: input.level === undefined ? parseLevel(input.text) : input.level,
      text: input.text,
      runtimeId: input.runtimeId,
      projectId: input.projectId,
    };
    this.#ring.push(line);
    this.#live.add(line);
    this.#lastByProject.set(line.projectId, line.cursor);
    this.#pending.push(line);
    if (this.#pending.length >= this.#batchLines) this.flush();
    else if (this.#timer === null) {
      this.#timer = setTimeout(() => this.flush(), this.#flushMs);
      this.#timer.unref();
    }
    return line;
  }

  /** Writes every queued line now (one transaction) and prunes projects over their cap. */
  flush(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    if (this.#pending.length === 0) return;
    const lines = this.#pending;
    this.#pending = [];
    try {
      this.#write(lines);
    } catch (error) {
      // This runs from timers and pipe handlers: a throw would end the agent. The lines already went out
      // live; only their stored copy is lost, and the warning says how many.
      log("warn", "could not store app log lines", { lines: lines.length, error: String(error) });
    }
  }

  #write(lines: readonly StoredLine[]): void {
    this.#db.transaction((tx) => {
      const added = new Map<string, number>();
      for (let i = 0; i < lines.length; i += this.#batchLines) {
        const rows = lines.slice(i, i + this.#batchLines).map((l) => ({
          cursor: l.cursor,
          projectId: l.projectId,
          runtimeId: l.runtimeId,
          at: l.at,
          stream: l.stream,
          level: l.level,
          text: l.text,
        }));
        tx.insert(runtimeLogs).values(rows).run();
      }
      for (const line of lines) added.set(line.projectId, (added.get(line.projectId) ?? 0) + 1);
      for (const [projectId, n] of added) this.#prune(tx, projectId, n);
    });
  }

  /** Sends waiting live lines now (state changes do this so events stay in order with their lines). */
  publish(): void {
    this.#live.flush();
  }

  /** Up to `count` newest lines of one app run that `keep` accepts, oldest first (from memory). */
  recent(runtimeId: string, count: number, keep: (line: StoredLine) => boolean = () => true): StoredLine[] {
    return this.#ring.newest(count, (line) => line.runtimeId === runtimeId && keep(line));
  }

  /** Cursor of the newest line of the project, stored or queued; 0 when it has none. */
  lastCursor(projectId: string): number {
    const known = this.#lastByProject.get(projectId);
    if (known !== undefined) return known;
    const row = this.#db
      .select({ last: max(runtimeLogs.cursor) })
      .from(runtimeLogs)
      .where(eq(runtimeLogs.projectId, projectId))
      .get();
    const last = row?.last ?? 0;
    this.#lastByProject.set(projectId, last);
    return last;
  }

  /** Flushes everything and accepts no more lines (the database is about to close). */
  close(): void {
    this.flush();
    this.#live.flush();
    this.#closed = true;
  }

  /** Pruning waits for 10% slack over the cap so it runs once per many flushes, not on each. */
  #prune(tx: Pick<AgentDb, "select" | "run">, projectId: string, added: number): void {
    const known = this.#counts.get(projectId);
    const stored =
      known === undefined
        ? (tx.select({ n: count() }).from(runtimeLogs).where(eq(runtimeLogs.projectId, projectId)).get()?.n ?? 0)
        : known + added;
    if (stored <= this.#retain + Math.ceil(this.#retain / 10)) {
      this.#counts.set(projectId, stored);
      return;
    }
    const excess = stored - this.#retain;
    tx.run(sql`DELETE FROM runtime_logs WHERE project_id = ${projectId} AND cursor <= (
      SELECT cursor FROM runtime_logs WHERE project_id = ${projectId} ORDER BY cursor LIMIT 1 OFFSET ${excess - 1})`);
    this.#counts.set(projectId, this.#retain);
  }

  /** The highest cursor ever handed out: AUTOINCREMENT's sequence survives pruning, max() covers a fresh table. */
  #storedCursor(): number {
    const seq = this.#db.get<{ seq: number } | undefined>(
      sql`SELECT seq FROM sqlite_sequence WHERE name = 'runtime_logs'`,
    );
    const top = this.#db
      .select({ last: max(runtimeLogs.cursor) })
      .from(runtimeLogs)
      .get();
    return Math.max(seq?.seq ?? 0, top?.last ?? 0);
  }
}
