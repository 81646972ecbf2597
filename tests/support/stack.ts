/**
 * Starts the real stack for integration tests: `wrangler dev` (workerd with
 * Durable Objects on disk) and real agent processes, on a free port, in a
 * temporary directory. Everything is ended as a process group on dispose.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { EventType, Project, StoredEvent } from "@att/shared";
import WebSocket from "ws";
import { type ControlPlane, startControlPlane, waitForHealth } from "../../agent/src/start/control-plane.ts";
import { type GroupProcess, startGroup } from "../../agent/src/start/processes.ts";
import { ensureWebBuild } from "../../agent/src/start/web-build.ts";
import { ensureNatVenv } from "./nat-venv.ts";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls until nothing listens on `port` (a killed workerd can take a moment to let go of it). */
async function waitForFreePort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) return;
    if (Date.now() > deadline) throw new Error(`port ${port} still in use after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface StackOptions {
  agentTimeoutMs?: number;
  /** Events in flight on the agent link; small values make streams slow enough to interrupt. */
  eventWindow?: number;
  /** Extra environment for agents (e.g. ATT_NAT_COMMAND). */
  agentEnv?: Record<string, string>;
  /** Extra variables for the control plane (e.g. ATT_MCP_CHECK_INTERVAL_MS). */
  controlPlaneVars?: Record<string, string>;
}

export class Stack {
  readonly dir: string;
  readonly port: number;
  readonly userToken = `user-${crypto.randomUUID()}`;
  readonly agentToken = `agent-${crypto.randomUUID()}`;
  readonly projectsDir: string;
  readonly agentStateDir: string;
  readonly #options: StackOptions;
  #controlPlane: ControlPlane | null = null;
  readonly #agents = new Set<GroupProcess>();
  #agentCount = 0;

  private constructor(port: number, options: StackOptions) {
    this.port = port;
    this.#options = options;
    this.dir = mkdtempSync(path.join(os.tmpdir(), "att-it-"));
    this.projectsDir = path.join(this.dir, "projects");
    this.agentStateDir = path.join(this.dir, "agent-state");
    mkdirSync(this.projectsDir);
  }

  static async start(options: StackOptions = {}): Promise<Stack> {
    await ensureWebBuild(repoRoot);
    const stack = new Stack(await freePort(), options);
    await stack.startControlPlane();
    return stack;
  }

  /** A stack whose agent runs NAT from the test venv (built from PyPI on first use), already linked. */
  static async startLinkedWithNat(options: StackOptions = {}): Promise<Stack> {
    const venv = await ensureNatVenv();
    const stack = await Stack.start({
      ...options,
      agentEnv: { ATT_NAT_COMMAND: venv.nat, ATT_PYTHON_COMMAND: venv.python, ...options.agentEnv },
    });
    await stack.startLinkedAgent();
    return stack;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async startControlPlane(): Promise<void> {
    this.#controlPlane = startControlPlane({
      repoRoot,
      port: this.port,
      userToken: this.userToken,
      agentToken: this.agentToken,
      persistTo: path.join(this.dir, "state"),
      runDir: path.join(this.dir, "run"),
      extraVars: {
        ATT_AGENT_TIMEOUT_MS: String(this.#options.agentTimeoutMs ?? 30_000),
        ...this.#options.controlPlaneVars,
      },
    });
    await waitForHealth({
      url: this.url,
      ready: () => true,
      timeoutMs: 60_000,
      exited: this.#controlPlane.process.exited,
    });
  }

  async stopControlPlane(): Promise<void> {
    await this.#controlPlane?.stop();
    this.#controlPlane = null;
  }

  /** Kills wrangler dev's whole process group at once (SIGKILL: no clean shutdown, as in a crash); waits until its port is free. */
  async killControlPlane(): Promise<void> {
    const controlPlane = this.#controlPlane;
    if (controlPlane === null) return;
    controlPlane.process.signal("SIGKILL");
    await controlPlane.process.exited;
    this.#controlPlane = null;
    await waitForFreePort(this.port, 30_000);
  }

  /**
   * Starts `att-agent` as its own process (and process group): by default the
   * local-mode agent; `as` runs another machine's agent (its own pairing token,
   * projects root and state) on this one.
   */
  startAgent(as: { token: string; name: string } | null = null): GroupProcess {
    this.#agentCount += 1;
    const agent = startGroup({
      command: process.execPath,
      args: [path.join(repoRoot, "agent", "bin", "att-agent.js")],
      cwd: repoRoot,
      env: {
        ...process.env,
        ATT_SERVER: this.url,
        ATT_AGENT_TOKEN: as?.token ?? this.agentToken,
        ATT_PROJECTS_DIR: as === null ? this.projectsDir : this.machineDir(as.name, "projects"),
        ATT_AGENT_STATE_DIR: as === null ? this.agentStateDir : this.machineDir(as.name, "agent-state"),
        ATT_HEARTBEAT_INTERVAL_MS: "1000",
        // Short, so link tests notice a frozen agent quickly; browser scenarios (NAT + Chromium on a
        // busy machine) raise it so a slow event loop is not mistaken for a dead link.
        ATT_HEARTBEAT_TIMEOUT_MS: process.env.ATT_STACK_HEARTBEAT_TIMEOUT_MS ?? "3000",
        ATT_BACKOFF_BASE_MS: "100",
        ATT_BACKOFF_MAX_MS: "1000",
        ATT_EVENT_WINDOW: String(this.#options.eventWindow ?? 256),
        ATT_LOG_LEVEL: "warn",
        ...this.#options.agentEnv,
      },
      logFile: path.join(this.dir, `agent-${this.#agentCount}.log`),
    });
    this.#agents.add(agent);
    void agent.exited.then(() => this.#agents.delete(agent));
    return agent;
  }

  /** A directory of another (simulated) machine's agent, made on first use. */
  machineDir(machine: string, kind: "projects" | "agent-state"): string {
    const dir = path.join(this.dir, "machines", machine, kind);
    mkdirSync(dir, { recursive: true });
    return dir;
  }

  /** Starts an agent and waits until the control plane reports it linked. */
  async startLinkedAgent(): Promise<GroupProcess> {
    const agent = this.startAgent();
    await this.waitForAgent();
    return agent;
  }

  /** Makes a project directory under the agent's projects root. */
  addProjectDir(name: string): void {
    mkdirSync(path.join(this.projectsDir, name));
  }

  /** The project of that name, as the agent lists it through the control plane. */
  async projectNamed(name: string): Promise<Project> {
    const { projects } = await this.json<{ projects: Project[] }>("/api/v1/projects");
    const project = projects.find((p) => p.name === name);
    if (project === undefined) throw new Error(`no project ${name} in ${JSON.stringify(projects)}`);
    return project;
  }

  async waitForAgent(connected = true, timeoutMs = 30_000): Promise<void> {
    await waitForHealth({ url: this.url, ready: (h) => h.agent.connected === connected, timeoutMs });
  }

  api(pathname: string, init: RequestInit & { token?: string | null } = {}): Promise<Response> {
    const { token = this.userToken, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token !== null) headers.set("authorization", `Bearer ${token}`);
    if (rest.body !== undefined) headers.set("content-type", "application/json");
    return fetch(`${this.url}${pathname}`, { ...rest, headers });
  }

  async json<T>(pathname: string, init: RequestInit = {}): Promise<T> {
    const response = await this.api(pathname, init);
    if (!response.ok) throw new Error(`${pathname}: ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }

  /** Polls the project's event log until at least `count` events of `type` are stored. */
  async eventsOfType(projectId: string, type: EventType, count: number, timeoutMs = 30_000): Promise<StoredEvent[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { events } = await this.json<{ events: StoredEvent[] }>(
        `/api/v1/projects/${projectId}/events?type=${type}&limit=1000`,
      );
      if (events.length >= count) return events;
      if (Date.now() > deadline) throw new Error(`saw ${events.length} of ${count} ${type} events in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  subscribe(projectId: string, after = 0): Subscriber {
    return new Subscriber(`ws://127.0.0.1:${this.port}/api/v1/projects/${projectId}/ws?after=${after}`, this.userToken);
  }

  /** Stops every agent this stack started and waits until the control plane sees the link gone. */
  async stopAgents(): Promise<void> {
    await Promise.all([...this.#agents].map((a) => a.stop(2000)));
    await this.waitForAgent(false);
  }

  async dispose(): Promise<void> {
    await Promise.all([...this.#agents].map((a) => a.stop(2000)));
    await this.stopControlPlane();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface SeenEvent {
  id: string;
  seq: number;
  payload: { index?: number };
}

/** A live subscriber that records every event frame it receives. */
export class Subscriber {
  readonly events: SeenEvent[] = [];
  readonly ready: Promise<void>;
  readonly #ws: WebSocket;

  constructor(url: string, token: string) {
    this.#ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
    this.ready = new Promise((resolve, reject) => {
      this.#ws.on("error", reject);
      this.#ws.on("message", (data) => {
        const frame = JSON.parse(data.toString()) as { type: string; event?: SeenEvent };
        if (frame.type === "ready") resolve();
        if (frame.type === "event" && frame.event) this.events.push(frame.event);
      });
    });
  }

  async waitFor(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < count) {
      if (Date.now() > deadline) throw new Error(`saw ${this.events.length} of ${count} events within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  close(): void {
    this.#ws.close();
  }
}
