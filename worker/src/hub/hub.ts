/**
 * ATT's MCP client hub: the workspace's registry of external MCP servers
 * (Streamable HTTP, or stdio run by the agent) and their scheduled health
 * checks. The workspace Durable Object owns one hub and exposes it over RPC;
 * answers are plain data (Outcome), with header and env values masked.
 * Header and env values are sealed before they are stored, revealed only when
 * a connection is made, and shown from the mask they carry (sealed.ts).
 *
 * Every server has one timer (`hub:<id>` in the Durable Object's wakeups):
 * after a good check it is due an interval later, after a failed one it backs
 * off (health-check.ts). A status change is an `mcp.server.status` event in
 * the workspace log. Tool calls and resource reads live in calls.ts.
 */
import {
  type EventType,
  type JsonObject,
  MCP_CHECK_INTERVAL_MS,
  MCP_SERVER_CHECK_TIMEOUT_MS,
  type McpServer,
  type McpServerCreate,
  type McpServerList,
  type McpServerStatusPayload,
} from "@att/shared";
import type { WorkspaceDb } from "../workspace/event-log.ts";
import { failure, type Outcome, success } from "../workspace/outcome.ts";
import type { Wakeups } from "../workspace/wakeups.ts";
import { type AgentInvoke, deferredConnector, httpConnector, type McpConnector, stdioConnector } from "./connectors.ts";
import { nextCheckDelayMs, nextHealth, runCheck } from "./health-check.ts";
import { type Endpoint, McpServerRegistry, type StoredServer } from "./registry.ts";
import { isSealed, NoSecretKey, type SecretSealer, storedMasks } from "./sealed.ts";

export const HUB_WAKE_OWNER = "hub";
/** A check interrupted by a restart is retried after this much more than its timeout. */
const SAFETY_MARGIN_MS = 5000;

export type CheckTrigger = McpServerStatusPayload["trigger"];

export interface McpHubOptions {
  db: WorkspaceDb;
  /** Reported to external servers as the client's version. */
  version: string;
  /** Time between scheduled checks of a healthy server. */
  intervalMs: number;
  wakeups: Pick<Wakeups, "schedule" | "cancel" | "dueAt">;
  /** Runs agent operations (stdio servers). */
  invoke: AgentInvoke;
  /** Appends an event to the workspace log and fans it out. */
  record: (event: { type: EventType; payload: JsonObject }) => void;
  /** Seals header and env values for storage and reveals them for a connection. */
  sealer: SecretSealer;
}

export class McpHub {
  readonly registry: McpServerRegistry;
  readonly #options: McpHubOptions;
  /** Checks under way, by server id: a second request for the same server waits for the first. */
  readonly #checking = new Map<string, Promise<StoredServer | undefined>>();

  constructor(options: McpHubOptions) {
    this.registry = new McpServerRegistry(options.db);
    this.#options = options;
  }

  list(): McpServerList {
    return { servers: this.registry.list().map((server) => this.toPublic(server)) };
  }

  /** Registers a server and checks it at once; a failed check is recorded, not refused. */
  async add(input: McpServerCreate, requestId: string): Promise<Outcome<McpServer>> {
    let sealed: McpServerCreate;
    try {
      sealed = await this.#sealInput(input);
    } catch (error) {
      if (error instanceof NoSecretKey) return failure({ code: "internal", message: error.message });
      throw error;
    }
    const added = this.registry.add(sealed);
    if (!added.ok) return added;
    const checked = await this.#check(added.value.id, "registration", requestId);
    return checked === undefined ? failure(unknownServer(added.value.id)) : success(this.toPublic(checked));
  }

  async remove(id: string, requestId: string): Promise<Outcome<null>> {
    const server = this.registry.get(id);
    if (server === undefined || !this.registry.remove(id)) return failure(unknownServer(id));
    await this.#options.wakeups.cancel(wakeKey(id));
    if (server.endpoint.transport === "stdio") {
      // Best effort: the agent also closes idle servers by itself.
      await this.#options.invoke("mcp.stdio.close", { serverId: id }, { requestId, timeoutMs: 10_000 });
    }
    return success(null);
  }

  async check(id: string, requestId: string): Promise<Outcome<McpServer>> {
    if (this.registry.get(id) === undefined) return failure(unknownServer(id));
    const checked = await this.#check(id, "manual", requestId);
    // Deleted while the check ran: it is gone, whatever the check found.
    return checked === undefined ? failure(unknownServer(id)) : success(this.toPublic(checked));
  }

  /** The server's timer fired. */
  async wake(id: string): Promise<void> {
    if (this.registry.get(id) === undefined) return;
    await this.#check(id, "schedule", crypto.randomUUID());
  }

  /** Checks a server soon (a call to it just failed), unless a check is due sooner anyway. */
  async checkSoon(id: string): Promise<void> {
    if (this.#checking.has(id)) return;
    const due = this.#options.wakeups.dueAt(wakeKey(id));
    const now = Date.now();
    if (due === undefined || due > now) await this.#options.wakeups.schedule(wakeKey(id), now);
  }

  /** Gives every server without a timer one (servers registered before timers existed, lost timers). */
  async ensureScheduled(): Promise<void> {
    for (const server of this.registry.list()) {
      if (this.#options.wakeups.dueAt(wakeKey(server.id)) === undefined) {
        await this.#options.wakeups.schedule(wakeKey(server.id), Date.now());
      }
    }
  }

  /** Reaches the server; its secrets are revealed when the connector is used, not before. */
  connector(server: StoredServer, requestId: string): McpConnector {
    return deferredConnector(async () => {
      const { endpoint } = server;
      const { sealer, invoke, version } = this.#options;
      if (endpoint.transport === "stdio") {
        const config = { ...endpoint.config, env: await sealer.revealAll(endpoint.config.env) };
        return stdioConnector({ serverId: server.id, config, invoke, requestId });
      }
      return httpConnector({
        url: endpoint.url,
        headers: await sealer.revealAll(endpoint.headers),
        clientVersion: version,
      });
    });
  }

  toPublic(server: StoredServer): McpServer {
    const { endpoint } = server;
    const due = this.#options.wakeups.dueAt(wakeKey(server.id));
    return {
      id: server.id,
      name: server.name,
      transport: endpoint.transport,
      url: endpoint.transport === "streamable-http" ? endpoint.url : null,
      headers: endpoint.transport === "streamable-http" ? storedMasks(endpoint.headers) : {},
      command: endpoint.transport === "stdio" ? endpoint.config.command : null,
      args: endpoint.transport === "stdio" ? endpoint.config.args : [],
      env: endpoint.transport === "stdio" ? storedMasks(endpoint.config.env) : {},
      createdAt: server.createdAt,
      nextCheckAt: due === undefined ? null : new Date(due).toISOString(),
      ...server.health,
    };
  }

  async #sealInput(input: McpServerCreate): Promise<McpServerCreate> {
    const { sealer } = this.#options;
    if (input.transport === "stdio") return { ...input, env: await sealer.sealAll(input.env ?? {}) };
    return { ...input, headers: await sealer.sealAll(input.headers ?? {}) };
  }

  /**
   * A row written before sealing existed holds plaintext: it works as it is,
   * and its first check seals it (when there is a key to seal with).
   */
  async #sealStored(server: StoredServer | undefined): Promise<StoredServer | undefined> {
    const { sealer } = this.#options;
    if (server === undefined || !sealer.hasKey) return server;
    const { endpoint } = server;
    const values = endpoint.transport === "stdio" ? endpoint.config.env : endpoint.headers;
    if (Object.values(values).every(isSealed)) return server;
    const sealed = await sealer.sealPlaintext(values);
    const next: Endpoint =
      endpoint.transport === "stdio"
        ? { ...endpoint, config: { ...endpoint.config, env: sealed } }
        : { ...endpoint, headers: sealed };
    return this.registry.replaceSecrets(server.id, next);
  }

  #check(id: string, trigger: CheckTrigger, correlationId: string): Promise<StoredServer | undefined> {
    const running = this.#checking.get(id);
    if (running !== undefined) return running;
    const check = this.#runCheck(id, trigger, correlationId).finally(() => this.#checking.delete(id));
    this.#checking.set(id, check);
    return check;
  }

  async #runCheck(id: string, trigger: CheckTrigger, correlationId: string): Promise<StoredServer | undefined> {
    const server = await this.#sealStored(this.registry.get(id));
    if (server === undefined) return undefined;
    const { wakeups, intervalMs } = this.#options;
    const timeoutMs = MCP_SERVER_CHECK_TIMEOUT_MS;
    // If the control plane stops during the check, this timer makes sure the server is checked again.
    await wakeups.schedule(wakeKey(id), Date.now() + timeoutMs + SAFETY_MARGIN_MS + intervalMs);
    const result = await runCheck(this.connector(server, correlationId), timeoutMs);
    const health = nextHealth(server.health, result, new Date());
    const stored = this.registry.recordHealth(id, health);
    if (stored === undefined) {
      await wakeups.cancel(wakeKey(id));
      return undefined;
    }
    const nextAt = Date.now() + nextCheckDelayMs(health.consecutiveFailures, intervalMs);
    await wakeups.schedule(wakeKey(id), nextAt);
    if (server.health.status !== health.status) {
      this.#options.record({
        type: "mcp.server.status",
        payload: {
          correlationId,
          serverId: id,
          serverName: server.name,
          from: server.health.status,
          to: health.status,
          error: health.error,
          consecutiveFailures: health.consecutiveFailures,
          trigger,
          nextCheckAt: new Date(nextAt).toISOString(),
        } satisfies McpServerStatusPayload,
      });
    }
    return stored;
  }
}

/** The configured check interval, or the default when it is unset or not a sensible number. */
export function checkIntervalMs(value: string | undefined): number {
  const parsed = Number(value);
  return Number.isInteger(parsed) && parsed >= 100 ? parsed : MCP_CHECK_INTERVAL_MS;
}

export const wakeKey = (id: string): string => `${HUB_WAKE_OWNER}:${id}`;

export function unknownServer(id: string) {
  return { code: "not_found" as const, message: `no MCP server with id '${id}'` };
}
