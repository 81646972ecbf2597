/**
 * The agent's stdio MCP servers: one running server and SDK client per
 * registered server id, started on first use and kept while it is used. A
 * changed configuration replaces the process; a server that exits is dropped
 * (the next request starts it again); one unused for `idleMs` is closed; all
 * are closed when the agent stops. Each runs in its own process group.
 */
import { createHash } from "node:crypto";
import type { McpStdioConfig } from "@att/shared";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { step, upstreamError } from "./failure.ts";
import { GroupStdioTransport } from "./transport.ts";

export const DEFAULT_IDLE_MS = 5 * 60_000;

export interface StdioSession {
  client: Client;
  transport: GroupStdioTransport;
  /** True when this request started the server. */
  started: boolean;
}

interface Entry {
  fingerprint: string;
  client: Client;
  transport: GroupStdioTransport;
  connected: Promise<void>;
  lastUsed: number;
  inUse: number;
}

export class StdioPool {
  readonly #entries = new Map<string, Entry>();
  readonly #options: { cwd: string; clientVersion: string; idleMs: number };
  #sweeper: ReturnType<typeof setInterval> | null = null;

  constructor(options: { cwd: string; clientVersion: string; idleMs?: number }) {
    this.#options = { ...options, idleMs: options.idleMs ?? DEFAULT_IDLE_MS };
  }

  /**
   * Runs `work` on the server's client, starting the server first when it is
   * not running. A failure comes out as an `upstream_error` saying why; with
   * `restartOnFailure` (health checks) the server is also stopped, so the next
   * request starts it afresh rather than asking a stuck process again.
   */
  async use<T>(options: {
    serverId: string;
    config: McpStdioConfig;
    timeoutMs: number;
    restartOnFailure?: boolean;
    work: (session: StdioSession) => Promise<T>;
  }): Promise<T> {
    const { serverId, config, timeoutMs } = options;
    const { entry, started } = await this.#entry(serverId, config, timeoutMs);
    entry.inUse += 1;
    try {
      await entry.connected;
      return await options.work({ client: entry.client, transport: entry.transport, started });
    } catch (error) {
      // Described before a restart, which would make every failure look like the end we caused.
      const failure = upstreamError({
        error,
        transport: entry.transport,
        command: config.command,
        timeoutMs,
        secrets: config.env,
      });
      if (options.restartOnFailure === true) await this.#drop(serverId, entry);
      throw failure;
    } finally {
      entry.inUse -= 1;
      entry.lastUsed = Date.now();
    }
  }

  /** Stops one server; true when it was running. */
  async close(serverId: string): Promise<boolean> {
    const entry = this.#entries.get(serverId);
    if (entry === undefined) return false;
    await this.#drop(serverId, entry);
    return true;
  }

  async closeAll(): Promise<void> {
    if (this.#sweeper !== null) clearInterval(this.#sweeper);
    this.#sweeper = null;
    await Promise.all([...this.#entries].map(([id, entry]) => this.#drop(id, entry)));
  }

  /** Closes servers unused for `idleMs` (and not busy). */
  async sweep(now = Date.now()): Promise<string[]> {
    const idle = [...this.#entries].filter(([, e]) => e.inUse === 0 && now - e.lastUsed >= this.#options.idleMs);
    await Promise.all(idle.map(([id, entry]) => this.#drop(id, entry)));
    return idle.map(([id]) => id);
  }

  running(): string[] {
    return [...this.#entries.keys()];
  }

  async #entry(serverId: string, config: McpStdioConfig, timeoutMs: number) {
    const fingerprint = fingerprintOf(config);
    const existing = this.#entries.get(serverId);
    if (existing !== undefined && existing.fingerprint === fingerprint) return { entry: existing, started: false };
    if (existing !== undefined) await this.#drop(serverId, existing);
    const transport = new GroupStdioTransport({ ...config, cwd: this.#options.cwd });
    const client = new Client({ name: "att-agent", version: this.#options.clientVersion }, { capabilities: {} });
    const entry: Entry = {
      fingerprint,
      client,
      transport,
      connected: Promise.resolve(),
      lastUsed: Date.now(),
      inUse: 0,
    };
    this.#entries.set(serverId, entry);
    // A server that exits is forgotten; the next request starts it again.
    client.onclose = () => {
      if (this.#entries.get(serverId) === entry) this.#entries.delete(serverId);
    };
    entry.connected = step("initialize", () => client.connect(transport, { timeout: timeoutMs }));
    // One that cannot even start or initialize is not kept.
    entry.connected.catch(() => this.#drop(serverId, entry));
    this.#startSweeper();
    return { entry, started: true };
  }

  async #drop(serverId: string, entry: Entry): Promise<void> {
    if (this.#entries.get(serverId) === entry) this.#entries.delete(serverId);
    await entry.client.close().catch(() => undefined);
    await entry.transport.close();
  }

  #startSweeper(): void {
    if (this.#sweeper !== null) return;
    const every = Math.max(1000, Math.min(60_000, Math.floor(this.#options.idleMs / 2)));
    this.#sweeper = setInterval(() => void this.sweep(), every);
    this.#sweeper.unref();
  }
}

/** The configuration as a digest: a changed command, argument or variable means a new process. */
function fingerprintOf(config: McpStdioConfig): string {
  const env = Object.entries(config.env).sort(([a], [b]) => a.localeCompare(b));
  return createHash("sha256")
    .update(JSON.stringify([config.command, config.args, env]))
    .digest("hex");
}
