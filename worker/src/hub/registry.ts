/**
 * The hub's storage: registered MCP servers in the workspace Durable Object's
 * SQLite, with the result of each server's last health check. Rows hold the
 * real header values; only hub.ts turns them into answers (masked).
 */
import {
  MAX_MCP_SERVERS,
  type McpServerCreate,
  type McpServerHealth,
  McpServerStatus,
  McpServerTool,
} from "@att/shared";
import { asc, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { WorkspaceDb } from "../workspace/event-log.ts";
import { failure, type Outcome, success } from "../workspace/outcome.ts";
import { mcpServers } from "../workspace/schema.ts";

export interface StoredServer {
  id: string;
  name: string;
  url: string;
  /** The real values: secrets. */
  headers: Record<string, string>;
  createdAt: string;
  health: McpServerHealth;
}

export const UNCHECKED: McpServerHealth = {
  status: "unknown",
  lastCheckedAt: null,
  latencyMs: null,
  error: null,
  serverInfo: null,
  protocolVersion: null,
  tools: [],
  resourcesCount: null,
};

type Row = typeof mcpServers.$inferSelect;

const StoredHeaders = z.record(z.string(), z.string());
const StoredTools = z.array(McpServerTool);

export class McpServerRegistry {
  readonly #db: WorkspaceDb;
  constructor(db: WorkspaceDb) {
    this.#db = db;
  }

  list(): StoredServer[] {
    return this.#db
      .select()
      .from(mcpServers)
      .orderBy(asc(mcpServers.createdAt), asc(mcpServers.name))
      .all()
      .map(fromRow);
  }

  get(id: string): StoredServer | undefined {
    const row = this.#db.select().from(mcpServers).where(eq(mcpServers.id, id)).get();
    return row === undefined ? undefined : fromRow(row);
  }

  /** Adds a server that has not been checked yet, or says why it cannot be added (limit, duplicate name). */
  add(input: McpServerCreate): Outcome<StoredServer> {
    return this.#db.transaction((tx): Outcome<StoredServer> => {
      const total = tx.select({ n: count() }).from(mcpServers).get()?.n ?? 0;
      if (total >= MAX_MCP_SERVERS) {
        return failure({
          code: "conflict",
          message: `a workspace can register at most ${MAX_MCP_SERVERS} MCP servers; delete one before adding another`,
          details: { limit: MAX_MCP_SERVERS },
        });
      }
      const clash = tx
        .select({ id: mcpServers.id, name: mcpServers.name })
        .from(mcpServers)
        .where(sql`lower(${mcpServers.name}) = lower(${input.name})`)
        .get();
      if (clash !== undefined) {
        return failure({
          code: "conflict",
          message: `an MCP server named '${clash.name}' is already registered`,
          details: { serverId: clash.id },
        });
      }
      const server: StoredServer = {
        id: crypto.randomUUID(),
        name: input.name,
        url: input.url,
        headers: input.headers ?? {},
        createdAt: new Date().toISOString(),
        health: UNCHECKED,
      };
      tx.insert(mcpServers).values(toRow(server)).run();
      return success(server);
    });
  }

  /** True when the server existed. */
  remove(id: string): boolean {
    return this.#db.delete(mcpServers).where(eq(mcpServers.id, id)).returning({ id: mcpServers.id }).all().length > 0;
  }

  /** Stores a check's result; undefined when the server was deleted while it was being checked. */
  recordHealth(id: string, health: McpServerHealth): StoredServer | undefined {
    const rows = this.#db.update(mcpServers).set(healthColumns(health)).where(eq(mcpServers.id, id)).returning().all();
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }
}

function toRow(server: StoredServer): Row {
  return {
    id: server.id,
    name: server.name,
    url: server.url,
    headers: JSON.stringify(server.headers),
    createdAt: server.createdAt,
    ...healthColumns(server.health),
  };
}

function healthColumns(health: McpServerHealth) {
  return {
    status: health.status,
    lastCheckedAt: health.lastCheckedAt,
    latencyMs: health.latencyMs,
    error: health.error,
    serverName: health.serverInfo?.name ?? null,
    serverVersion: health.serverInfo?.version ?? null,
    protocolVersion: health.protocolVersion,
    tools: JSON.stringify(health.tools),
    resourcesCount: health.resourcesCount,
  } satisfies Partial<Row>;
}

/** The JSON columns were written by toRow; parsing them anyway keeps a damaged row from leaking odd shapes. */
function fromRow(row: Row): StoredServer {
  const headers = StoredHeaders.safeParse(JSON.parse(row.headers));
  const tools = StoredTools.safeParse(JSON.parse(row.tools));
  const status = McpServerStatus.safeParse(row.status);
  return {
    id: row.id,
    name: row.name,
    url: row.url,
    headers: headers.success ? headers.data : {},
    createdAt: row.createdAt,
    health: {
      status: status.success ? status.data : "unknown",
      lastCheckedAt: row.lastCheckedAt,
      latencyMs: row.latencyMs,
      error: row.error,
      serverInfo: row.serverName === null ? null : { name: row.serverName, version: row.serverVersion ?? "" },
      protocolVersion: row.protocolVersion,
      tools: tools.success ? tools.data : [],
      resourcesCount: row.resourcesCount,
    },
  };
}
