/**
 * The hub's storage: registered MCP servers in the workspace Durable Object's
 * SQLite, with each server's health (the last check's outcome, the last
 * successful snapshot, the run of failures). Header and env values arrive
 * sealed (sealed.ts; rows written before sealing existed may hold plaintext);
 * hub.ts reveals them for a connection and masks them for answers.
 */
import {
  MAX_MCP_SERVERS,
  type McpServerCreate,
  type McpServerHealth,
  McpServerStatus,
  McpServerTool,
  type McpStdioConfig,
  McpTransport,
} from "@att/shared";
import { asc, count, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { WorkspaceDb } from "../workspace/event-log.ts";
import { failure, type Outcome, success } from "../workspace/outcome.ts";
import { mcpServers } from "../workspace/schema.ts";

/** How the hub reaches a server: its URL and headers, or the command the agent runs. */
export type Endpoint =
  | { transport: "streamable-http"; url: string; headers: Record<string, string> }
  | { transport: "stdio"; config: McpStdioConfig };

export interface StoredServer {
  id: string;
  name: string;
  /** Holds the secrets (header and env values) as stored: sealed, or plaintext in old rows. */
  endpoint: Endpoint;
  createdAt: string;
  health: McpServerHealth;
}

export const UNCHECKED: McpServerHealth = {
  status: "unknown",
  lastCheckedAt: null,
  latencyMs: null,
  error: null,
  consecutiveFailures: 0,
  serverInfo: null,
  protocolVersion: null,
  capabilities: [],
  tools: [],
  resourcesCount: null,
};

type Row = typeof mcpServers.$inferSelect;

const StringRecord = z.record(z.string(), z.string());
const StringList = z.array(z.string());
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
        endpoint: endpointOf(input),
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

  /** Replaces a server's header or env values (re-sealed plaintext); undefined when the server is gone. */
  replaceSecrets(id: string, endpoint: Endpoint): StoredServer | undefined {
    const row = endpointColumns(endpoint);
    const rows = this.#db
      .update(mcpServers)
      .set({ headers: row.headers, env: row.env })
      .where(eq(mcpServers.id, id))
      .returning()
      .all();
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }

  /** Stores a check's result; undefined when the server was deleted while it was being checked. */
  recordHealth(id: string, health: McpServerHealth): StoredServer | undefined {
    const rows = this.#db.update(mcpServers).set(healthColumns(health)).where(eq(mcpServers.id, id)).returning().all();
    return rows[0] === undefined ? undefined : fromRow(rows[0]);
  }
}

function endpointOf(input: McpServerCreate): Endpoint {
  if (input.transport === "stdio") {
    return { transport: "stdio", config: { command: input.command, args: input.args ?? [], env: input.env ?? {} } };
  }
  return { transport: "streamable-http", url: input.url, headers: input.headers ?? {} };
}

function toRow(server: StoredServer): Row {
  return {
    id: server.id,
    name: server.name,
    ...endpointColumns(server.endpoint),
    createdAt: server.createdAt,
    ...healthColumns(server.health),
  };
}

function endpointColumns(endpoint: Endpoint) {
  const http = endpoint.transport === "streamable-http" ? endpoint : null;
  const stdio = endpoint.transport === "stdio" ? endpoint.config : null;
  return {
    transport: endpoint.transport,
    url: http?.url ?? "",
    headers: JSON.stringify(http?.headers ?? {}),
    command: stdio?.command ?? null,
    args: JSON.stringify(stdio?.args ?? []),
    env: JSON.stringify(stdio?.env ?? {}),
  } satisfies Partial<Row>;
}

function healthColumns(health: McpServerHealth) {
  return {
    status: health.status,
    lastCheckedAt: health.lastCheckedAt,
    latencyMs: health.latencyMs,
    error: health.error,
    consecutiveFailures: health.consecutiveFailures,
    serverName: health.serverInfo?.name ?? null,
    serverVersion: health.serverInfo?.version ?? null,
    protocolVersion: health.protocolVersion,
    capabilities: JSON.stringify(health.capabilities),
    tools: JSON.stringify(health.tools),
    resourcesCount: health.resourcesCount,
  } satisfies Partial<Row>;
}

/** The JSON columns were written by toRow; parsing them anyway keeps a damaged row from leaking odd shapes. */
function parsed<T>(schema: z.ZodType<T>, text: string, fallback: T): T {
  try {
    const result = schema.safeParse(JSON.parse(text));
    return result.success ? result.data : fallback;
  } catch {
    return fallback;
  }
}

function fromRow(row: Row): StoredServer {
  const status = McpServerStatus.safeParse(row.status);
  const transport = McpTransport.safeParse(row.transport);
  const endpoint: Endpoint =
    transport.success && transport.data === "stdio"
      ? {
          transport: "stdio",
          config: {
            command: row.command ?? "",
            args: parsed(StringList, row.args, []),
            env: parsed(StringRecord, row.env, {}),
          },
        }
      : { transport: "streamable-http", url: row.url, headers: parsed(StringRecord, row.headers, {}) };
  return {
    id: row.id,
    name: row.name,
    endpoint,
    createdAt: row.createdAt,
    health: {
      status: status.success ? status.data : "unknown",
      lastCheckedAt: row.lastCheckedAt,
      latencyMs: row.latencyMs,
      error: row.error,
      consecutiveFailures: row.consecutiveFailures,
      serverInfo: row.serverName === null ? null : { name: row.serverName, version: row.serverVersion ?? "" },
      protocolVersion: row.protocolVersion,
      capabilities: parsed(StringList, row.capabilities, []),
      tools: parsed(StoredTools, row.tools, []),
      resourcesCount: row.resourcesCount,
    },
  };
}
