/** Tables of the workspace Durable Object (SQLite). Change them only through a new migration. */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const projects = sqliteTable("projects", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  path: text("path").notNull(),
  gitRemote: text("git_remote"),
  natConfigPath: text("nat_config_path"),
  status: text("status").notNull(),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** Append-only: rows are inserted, never updated; `seq` counts from 1 per project. */
export const events = sqliteTable(
  "events",
  {
    projectId: text("project_id").notNull(),
    seq: integer("seq").notNull(),
    id: text("id").notNull(),
    type: text("type").notNull(),
    payload: text("payload").notNull(),
    actor: text("actor").notNull(),
    timestamp: text("timestamp").notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.projectId, table.seq] }),
    uniqueIndex("events_id_unique").on(table.id),
    index("events_project_type_seq").on(table.projectId, table.type, table.seq),
    index("events_project_time").on(table.projectId, table.timestamp),
  ],
);

/** One row: the agent currently (or last) linked to this workspace. */
export const agentLink = sqliteTable("agent_link", {
  slot: integer("slot").primaryKey(),
  agentId: text("agent_id").notNull(),
  capabilities: text("capabilities").notNull(),
  connectedAt: text("connected_at").notNull(),
  disconnectedAt: text("disconnected_at"),
});

/** The MCP client hub's registry (worker/src/hub): external MCP servers and their last health check. */
export const mcpServers = sqliteTable(
  "mcp_servers",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    url: text("url").notNull(),
    /** JSON object of header name to value; the values are secrets, never returned or logged. */
    headers: text("headers").notNull(),
    createdAt: text("created_at").notNull(),
    status: text("status").notNull(),
    lastCheckedAt: text("last_checked_at"),
    latencyMs: integer("latency_ms"),
    error: text("error"),
    serverName: text("server_name"),
    serverVersion: text("server_version"),
    protocolVersion: text("protocol_version"),
    /** JSON array of { name, description? }. */
    tools: text("tools").notNull(),
    resourcesCount: integer("resources_count"),
  },
  (table) => [uniqueIndex("mcp_servers_name_unique").on(sql`lower(${table.name})`)],
);
