/** Tables of the directory Durable Object (SQLite). Change them only through a new migration. */
import { index, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: text("created_at").notNull(),
});

export const workspaces = sqliteTable("workspaces", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  createdAt: text("created_at").notNull(),
});

export const members = sqliteTable(
  "members",
  {
    workspaceId: text("workspace_id").notNull(),
    userId: text("user_id").notNull(),
    role: text("role").notNull(),
    addedAt: text("added_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.workspaceId, table.userId] }), index("members_user").on(table.userId)],
);

/**
 * Every bearer secret the directory knows, stored only as its SHA-256: personal
 * API tokens (`api`), browser sessions (`session`, with the CSRF token's hash)
 * and agent pairings (`agent`, no user).
 */
export const credentials = sqliteTable(
  "credentials",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    hash: text("hash").notNull(),
    prefix: text("prefix").notNull(),
    name: text("name").notNull(),
    userId: text("user_id"),
    workspaceId: text("workspace_id").notNull(),
    roleCap: text("role_cap"),
    csrfHash: text("csrf_hash"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at"),
    lastUsedAt: text("last_used_at"),
    revokedAt: text("revoked_at"),
  },
  (table) => [
    uniqueIndex("credentials_hash").on(table.hash),
    index("credentials_user").on(table.userId, table.kind),
    index("credentials_workspace").on(table.workspaceId, table.kind),
  ],
);
