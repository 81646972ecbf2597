/**
 * ATT's MCP client hub, first piece: the workspace's registry of external MCP
 * servers (Streamable HTTP) and their health checks. The workspace Durable
 * Object owns one hub and exposes it over RPC; answers are plain data
 * (Outcome), with header values masked. Later pieces add stdio servers run
 * through the agent, scheduled checks and failover on top of this.
 */
import type { McpServer, McpServerCreate, McpServerList } from "@att/shared";
import type { WorkspaceDb } from "../workspace/event-log.ts";
import { failure, type Outcome, success } from "../workspace/outcome.ts";
import { checkMcpServer } from "./health-check.ts";
import { maskHeaders } from "./mask.ts";
import { McpServerRegistry, type StoredServer } from "./registry.ts";

export interface McpHubOptions {
  db: WorkspaceDb;
  /** Reported to external servers as the client's version. */
  version: string;
}

export class McpHub {
  readonly #registry: McpServerRegistry;
  readonly #version: string;

  constructor(options: McpHubOptions) {
    this.#registry = new McpServerRegistry(options.db);
    this.#version = options.version;
  }

  list(): McpServerList {
    return { servers: this.#registry.list().map(toPublic) };
  }

  /** Registers a server and checks it at once; a failed check is recorded, not refused. */
  async add(input: McpServerCreate): Promise<Outcome<McpServer>> {
    const added = this.#registry.add(input);
    if (!added.ok) return added;
    return success(toPublic(await this.#checkStored(added.value)));
  }

  remove(id: string): Outcome<null> {
    return this.#registry.remove(id) ? success(null) : failure(unknownServer(id));
  }

  async check(id: string): Promise<Outcome<McpServer>> {
    const server = this.#registry.get(id);
    if (server === undefined) return failure(unknownServer(id));
    const checked = await this.#checkStored(server);
    // Deleted while the check ran: it is gone, whatever the check found.
    return checked === server ? failure(unknownServer(id)) : success(toPublic(checked));
  }

  /** The stored server with fresh health, or the same object when it was deleted meanwhile. */
  async #checkStored(server: StoredServer): Promise<StoredServer> {
    const health = await checkMcpServer({ url: server.url, headers: server.headers, clientVersion: this.#version });
    return this.#registry.recordHealth(server.id, health) ?? server;
  }
}

function toPublic(server: StoredServer): McpServer {
  return {
    id: server.id,
    name: server.name,
    url: server.url,
    headers: maskHeaders(server.headers),
    createdAt: server.createdAt,
    ...server.health,
  };
}

function unknownServer(id: string) {
  return { code: "not_found" as const, message: `no MCP server with id '${id}'` };
}
