/** The agent's local SQLite tables. Change them only through a new migration. */
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Events waiting for the control plane's ack, in the order they were produced. */
export const outbox = sqliteTable("outbox", {
  seq: integer("seq").primaryKey({ autoIncrement: true }),
  eventId: text("event_id").notNull().unique(),
  frame: text("frame").notNull(),
});

/** Answers to requests, keyed by request id: resent until acked, then kept a while for dedup. */
export const responses = sqliteTable("responses", {
  requestId: text("request_id").primaryKey(),
  frame: text("frame").notNull(),
  acked: integer("acked", { mode: "boolean" }).notNull().default(false),
  createdAt: integer("created_at").notNull(),
});

/** Projects the agent knows under its projects root; ids are stable across scans. */
export const projects = sqliteTable("projects", {
  id: text("id").primaryKey(),
  name: text("name").notNull().unique(),
  status: text("status").notNull(),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});
