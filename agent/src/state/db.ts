/** Opens the agent's SQLite database (WAL, migrated) under its state directory. */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";

export type AgentDb = BetterSQLite3Database<Record<string, never>>;

const MIGRATIONS = fileURLToPath(new URL("../../drizzle", import.meta.url));

export interface OpenedDb {
  db: AgentDb;
  close: () => void;
}

export function openAgentDb(stateDir: string): OpenedDb {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const sqlite = new Database(path.join(stateDir, "agent.sqlite"));
  sqlite.pragma("journal_mode = WAL");
  // In WAL mode NORMAL keeps every commit through a process kill; only an OS crash can lose the last ones.
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("busy_timeout = 5000");
  const db = drizzle(sqlite);
  migrate(db, { migrationsFolder: MIGRATIONS });
  return { db, close: () => sqlite.close() };
}
