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
    /** "streamable-http" (url, headers) or "stdio" (command, args, env; url is ""). */
    transport: text("transport").notNull().default("streamable-http"),
    command: text("command"),
    /** JSON array of strings. */
    args: text("args").notNull().default("[]"),
    /** JSON object of variable name to value; the values are secrets, like the headers. */
    env: text("env").notNull().default("{}"),
    /** JSON array of capability names from the last successful check. */
    capabilities: text("capabilities").notNull().default("[]"),
    consecutiveFailures: integer("consecutive_failures").notNull().default(0),
  },
  (table) => [uniqueIndex("mcp_servers_name_unique").on(sql`lower(${table.name})`)],
);

/**
 * Timers of the Durable Object: one alarm serves many owners (workflow steps,
 * MCP health checks), each a row keyed `<owner>:<id>`; the alarm is set to
 * the earliest row.
 */
export const wakeups = sqliteTable("wakeups", {
  key: text("key").primaryKey(),
  /** Epoch milliseconds. */
  at: integer("at").notNull(),
});

/** Workflows (worker/src/workflows): their definition, state and outcome. */
export const workflows = sqliteTable(
  "workflows",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    name: text("name").notNull(),
    kind: text("kind").notNull(),
    /** JSON: the validated definition (steps, timeouts). */
    definition: text("definition").notNull(),
    /** JSON object: the inputs steps refer to as `input.*`. */
    input: text("input").notNull(),
    status: text("status").notNull(),
    /** Workflows with the same key run one at a time, in order of creation. */
    concurrencyKey: text("concurrency_key"),
    actor: text("actor").notNull(),
    createdAt: text("created_at").notNull(),
    startedAt: text("started_at"),
    finishedAt: text("finished_at"),
    /** Epoch milliseconds after which the whole workflow times out. */
    deadlineAt: integer("deadline_at"),
    /** JSON: { code, message, details? } when it failed or was cancelled. */
    error: text("error"),
  },
  (table) => [
    index("workflows_project_created").on(table.projectId, table.createdAt),
    index("workflows_status").on(table.status),
  ],
);

export const workflowSteps = sqliteTable(
  "workflow_steps",
  {
    workflowId: text("workflow_id").notNull(),
    stepId: text("step_id").notNull(),
    /** Position in the definition, for ordered answers. */
    position: integer("position").notNull(),
    status: text("status").notNull(),
    attempt: integer("attempt").notNull(),
    startedAt: text("started_at"),
    finishedAt: text("finished_at"),
    /** Epoch milliseconds of the next attempt or poll, while waiting. */
    nextAt: integer("next_at"),
    /** Epoch milliseconds after which a polling step gives up. */
    deadlineAt: integer("deadline_at"),
    /** JSON: the last answer. */
    result: text("result"),
    /** JSON: { code, message, details? } of the last failed attempt. */
    error: text("error"),
  },
  (table) => [primaryKey({ columns: [table.workflowId, table.stepId] })],
);
