/** The agent's local SQLite tables. Change them only through a new migration. */
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

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

/** Pull requests of the local provider: a branch pair plus this record, numbered per project from 1. */
export const pullRequests = sqliteTable(
  "pull_requests",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    number: integer("number").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    head: text("head").notNull(),
    base: text("base").notNull(),
    state: text("state", { enum: ["open", "closed", "merged"] }).notNull(),
    headSha: text("head_sha"),
    mergeCommit: text("merge_commit"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("pull_requests_project_number").on(t.projectId, t.number)],
);

/** Review comments on local pull requests. */
export const prReviews = sqliteTable(
  "pr_reviews",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    prNumber: integer("pr_number").notNull(),
    author: text("author").notNull(),
    body: text("body").notNull(),
    state: text("state", { enum: ["commented", "approved", "changes_requested"] }).notNull(),
    path: text("path"),
    line: integer("line"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("pr_reviews_project_pr").on(t.projectId, t.prNumber)],
);

/**
 * Local CI runs (the project's own test command). `runner` names the agent
 * process that owns an unfinished run, so a later process can tell it is orphaned.
 */
export const ciRuns = sqliteTable(
  "ci_runs",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    prNumber: integer("pr_number"),
    name: text("name").notNull(),
    branch: text("branch"),
    headSha: text("head_sha"),
    status: text("status", { enum: ["queued", "in_progress", "completed"] }).notNull(),
    conclusion: text("conclusion", {
      enum: ["success", "failure", "cancelled", "skipped", "timed_out", "neutral"],
    }),
    exitCode: integer("exit_code"),
    log: text("log").notNull().default(""),
    truncated: integer("truncated", { mode: "boolean" }).notNull().default(false),
    runner: text("runner").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("ci_runs_project_created").on(t.projectId, t.createdAt)],
);

/**
 * Output lines of managed NAT apps. `cursor` orders all lines of the agent
 * and is what clients page by; the in-memory ring serves recent reads.
 */
export const runtimeLogs = sqliteTable(
  "runtime_logs",
  {
    cursor: integer("cursor").primaryKey({ autoIncrement: true }),
    projectId: text("project_id").notNull(),
    runtimeId: text("runtime_id").notNull(),
    at: text("at").notNull(),
    stream: text("stream", { enum: ["stdout", "stderr", "att"] }).notNull(),
    level: text("level", { enum: ["debug", "info", "warning", "error", "critical"] }),
    text: text("text").notNull(),
  },
  (t) => [index("runtime_logs_project_cursor").on(t.projectId, t.cursor)],
);

/** Errors parsed from app logs, one row per distinct error (fingerprint) with a count. */
export const runtimeErrors = sqliteTable(
  "runtime_errors",
  {
    projectId: text("project_id").notNull(),
    fingerprint: text("fingerprint").notNull(),
    /** The ParsedError without count/firstSeen/lastSeen/logCursor, as JSON. */
    detail: text("detail").notNull(),
    count: integer("count").notNull(),
    firstSeen: text("first_seen").notNull(),
    lastSeen: text("last_seen").notNull(),
    logCursor: integer("log_cursor").notNull(),
  },
  (t) => [
    uniqueIndex("runtime_errors_project_fingerprint").on(t.projectId, t.fingerprint),
    index("runtime_errors_project_last_seen").on(t.projectId, t.lastSeen),
  ],
);

/** Recorded runs: test runs and `nat run`/`nat eval`; the full record is JSON (TestRun or NatRun). */
export const runs = sqliteTable(
  "runs",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    kind: text("kind", { enum: ["test", "nat.run", "nat.eval"] }).notNull(),
    status: text("status").notNull(),
    record: text("record").notNull(),
    /** The agent process that owns an unfinished run, so a later process can mark it orphaned. */
    runner: text("runner").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("runs_project_kind_created").on(t.projectId, t.kind, t.createdAt)],
);

/** Workflow traces (intermediate steps of one exchange or run); the Trace is JSON. */
export const traces = sqliteTable(
  "traces",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    record: text("record").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("traces_project_created").on(t.projectId, t.createdAt)],
);

/** Releases: an artifact on disk (zip) and its manifest; version counts up per project. */
export const releases = sqliteTable(
  "releases",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    version: integer("version").notNull(),
    record: text("record").notNull(),
    artifactPath: text("artifact_path").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("releases_project_version").on(t.projectId, t.version)],
);

/** Deploys and rollbacks with their outcomes; `current` marks the release live per project. */
export const deployments = sqliteTable(
  "deployments",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    releaseId: text("release_id").notNull(),
    record: text("record").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("deployments_project_created").on(t.projectId, t.createdAt)],
);
