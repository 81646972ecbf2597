/**
 * The managed NAT runtime: one app at a time (`nat serve` or `nat mcp
 * serve`) in its own process group. A start validates the config, picks the
 * port, stops whatever app ran, launches and waits for /health; while it runs
 * a periodic probe tracks its health and its exit is watched, so a crash is
 * reported with its exit code and last lines. Every line it prints goes to
 * the log store (ring, SQLite, live events) and the error tracker.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { canTransition, type Json, type ProjectStatus, type RuntimeState, type RuntimeStatus } from "@att/shared";
import type { AgentConfig } from "../../config.ts";
import { projectEnv } from "../../process/env.ts";
import { type GroupExit, spawnGroup } from "../../process/group.ts";
import { resolveProjectTool } from "../../process/python-tools.ts";
import type { AgentDb } from "../../state/db.ts";
import type { Outbox } from "../../state/outbox.ts";
import { emitEvent, type OperationContext } from "../context.ts";
import { ErrorTracker } from "../debug/errors/tracker.ts";
import { OperationError } from "../errors.ts";
import { LogStore, type LogStoreOptions } from "../logs/store.ts";
import type { LogLevel } from "../logs/types.ts";
import { NAT_INSTALL_HINT } from "../projects/nat-cli.ts";
import type { ProjectCatalog } from "../projects.ts";
import { isLive, ManagedApp, stoppedStatus } from "./app.ts";
import type { LaunchSpec, RuntimeControl } from "./control.ts";
import { probeHealth, waitHealthy } from "./health.ts";
import { forgetApp, rememberApp } from "./leftover.ts";
import { freePort, isPortFree } from "./ports.ts";
import { validateConfig } from "./validate.ts";

export interface RuntimeManagerOptions {
  config: AgentConfig;
  db: AgentDb;
  catalog: ProjectCatalog;
  outbox: Outbox;
  eventsQueued: () => void;
  /** Overrides of the log store's sizes and timings (tests). */
  logs?: Omit<LogStoreOptions, "db" | "publish">;
}

/** Grace for apps ATT ends on its own account (replaced by another, agent stopping, failed readiness). */
const INTERNAL_GRACE_MS = 5000;
const CRASH_LINES = 50;
const FAILED_PROBES_FOR_UNHEALTHY = 2;

export class RuntimeManager implements RuntimeControl {
  readonly logs: LogStore;
  readonly #context: OperationContext;
  readonly #lastSpecs = new Map<string, LaunchSpec>();
  #app: ManagedApp | null = null;
  /** Starts run one after another; stops act at once (they may end an app that is still starting). */
  #startQueue: Promise<unknown> = Promise.resolve();
  #closing = false;

  constructor(options: RuntimeManagerOptions) {
    const { logs, ...context } = options;
    this.#context = { ...context, runtime: this };
    this.logs = new LogStore({
      ...logs,
      db: options.db,
      publish: (projectId, payload) => this.#emit(projectId, "runtime.log", payload),
    });
  }

  /** Whether an app is starting or running. */
  get active(): boolean {
    return this.#app !== null && isLive(this.#app.state);
  }

  start(spec: LaunchSpec): Promise<RuntimeStatus> {
    const run = this.#startQueue.then(() => this.#start(spec));
    this.#startQueue = run.catch(() => undefined);
    return run;
  }

  async stop(projectId: string | null, graceMs: number): Promise<RuntimeStatus> {
    const app = this.#app;
    if (app === null || !isLive(app.state) || (projectId !== null && app.projectId !== projectId)) {
      throw new OperationError("conflict", "no app of this project is running", {
        reason: "not_running",
        projectId,
      });
    }
    await this.#stopApp(app, graceMs, "stopped on request");
    return this.status(app.projectId);
  }

  /** The catalog's seam: a project being deleted loses its app first. */
  async stopProject(projectId: string): Promise<void> {
    const app = this.#app;
    if (app !== null && app.projectId === projectId && isLive(app.state)) {
      await this.#stopApp(app, INTERNAL_GRACE_MS, "project deleted");
    }
  }

  status(projectId: string): RuntimeStatus {
    const cursor = this.logs.lastCursor(projectId);
    const app = this.#app;
    return app !== null && app.projectId === projectId ? app.status(cursor) : stoppedStatus(projectId, cursor);
  }

  lastSpec(projectId: string): LaunchSpec | null {
    return this.#lastSpecs.get(projectId) ?? null;
  }

  async shutdown(): Promise<void> {
    this.#closing = true;
    const app = this.#app;
    if (app !== null && isLive(app.state)) await this.#stopApp(app, INTERNAL_GRACE_MS, "agent stopping");
    await this.#startQueue;
    this.logs.close();
  }

  async #start(spec: LaunchSpec): Promise<RuntimeStatus> {
    await this.#checkStartable(spec);
    const runtimeId = crypto.randomUUID();
    const tracker = new ErrorTracker({ db: this.#context.db, projectId: spec.projectId });
    const note = (text: string, level: LogLevel) =>
      this.logs.append({ projectId: spec.projectId, runtimeId, stream: "att", text, level });
    const output = (stream: "stdout" | "stderr", text: string) => {
      const line = this.logs.append({ projectId: spec.projectId, runtimeId, stream, text });
      if (line !== null) tracker.feed(line);
    };
    const nat = await resolveProjectTool(spec.root, "nat", this.#context.config.natCommand);
    const env = await projectEnv(spec.root, spec.env);
    // The running app (if any) keeps running while the new config is checked: a bad config disturbs nothing.
    note(`validating ${spec.configPath} with ${nat.command} (${nat.source})`, "info");
    try {
      await validateConfig({ command: nat.command, root: spec.root, configPath: spec.configPath, env, onLine: output });
    } catch (error) {
      note(`not started: ${error instanceof Error ? error.message : String(error)}`, "error");
      this.logs.flush();
      throw error;
    } finally {
      tracker.end();
    }
    this.#refuseWhenClosing();
    const previous = this.#app;
    if (previous !== null && isLive(previous.state)) {
      await this.#stopApp(previous, INTERNAL_GRACE_MS, `replaced by the app of project ${spec.projectId}`);
    }
    const port = spec.port ?? (await freePort());
    const argv: [string, ...string[]] = [
      nat.command,
      ...(spec.kind === "mcp" ? ["mcp", "serve"] : ["serve"]),
      ...["--config_file", spec.configPath, "--host", "127.0.0.1", "--port", String(port)],
    ];
    note(`$ ${argv.join(" ")}`, "info");
    const before = this.status(spec.projectId).state;
    const app = new ManagedApp({
      runtimeId,
      spec,
      port,
      group: spawnGroup({ argv, cwd: spec.root, env, onLine: output }),
    });
    this.#app = app;
    if (app.group.pid !== null) rememberApp(this.#context.db, app.group.pid);
    void app.group.exited.then((exit) => this.#exited(app, exit, tracker));
    this.#changeState(app, "starting", null, before);
    return this.#awaitReady(app, nat.command);
  }

  /** What can be refused before anything runs: agent stopping, already running, no config, port taken. */
  async #checkStartable(spec: LaunchSpec): Promise<void> {
    this.#refuseWhenClosing();
    const current = this.#app;
    if (current !== null && current.projectId === spec.projectId && isLive(current.state)) {
      throw new OperationError("conflict", "this project's app is already running; use runtime.restart", {
        reason: "already_running",
        state: current.state,
        pid: current.group.pid,
        port: current.port,
      });
    }
    if (!existsSync(path.resolve(spec.root, spec.configPath))) {
      throw new OperationError("precondition_failed", `the NAT config ${spec.configPath} does not exist`, {
        reason: "no_config",
        configPath: spec.configPath,
      });
    }
    if (spec.port !== null) await this.#claimPort(spec.port);
  }

  async #awaitReady(app: ManagedApp, command: string): Promise<RuntimeStatus> {
    const { outcome, probe } = await waitHealthy({
      baseUrl: app.url,
      timeoutMs: app.spec.readyTimeoutMs,
      gone: app.group.exited,
    });
    app.lastProbe = probe;
    if (outcome === "healthy" && app.state === "starting") {
      this.#lastSpecs.set(app.projectId, app.spec);
      this.#changeState(app, "running", null);
      this.#watchHealth(app);
      await this.#moveProject(app.projectId, "running");
      return this.status(app.projectId);
    }
    if (outcome === "timeout") {
      const seconds = Math.round(app.spec.readyTimeoutMs / 1000);
      await this.#stopApp(app, INTERNAL_GRACE_MS, `not healthy within ${seconds} s`);
      await this.#moveProject(app.projectId, "error");
      throw this.#failure(app, `the app was not healthy within ${seconds} s; it was stopped`);
    }
    const spawnError = (await app.group.exited).spawnError;
    if (spawnError !== null) {
      throw new OperationError(
        "precondition_failed",
        `cannot run '${command}' (${spawnError.message}): ${NAT_INSTALL_HINT}`,
        {
          reason: "nat_missing",
          command,
        },
      );
    }
    if (app.stopping !== null) {
      throw new OperationError(
        "conflict",
        `the app was stopped before it became healthy (${app.reason ?? "stopped"})`,
        {
          reason: "stopped",
        },
      );
    }
    throw this.#failure(app, `the app exited ${describeExit(app)} before it became healthy`);
  }

  #failure(app: ManagedApp, message: string): OperationError {
    return new OperationError("upstream_error", message, {
      runtimeId: app.runtimeId,
      exitCode: app.exitCode,
      signal: app.signal,
      lastLines: this.#lastLines(app),
    });
  }

  /** Every exit lands here first; one ATT did not ask for is a crash. */
  #exited(app: ManagedApp, exit: GroupExit, tracker: ErrorTracker): void {
    if (app.probeTimer !== null) clearInterval(app.probeTimer);
    app.probeTimer = null;
    app.exitCode = exit.exitCode;
    app.signal = exit.signal;
    tracker.end();
    if (this.#app === app) forgetApp(this.#context.db);
    this.logs.append({
      projectId: app.projectId,
      runtimeId: app.runtimeId,
      stream: "att",
      text: `exited ${describeExit(app)}`,
      level: app.stopping === null ? "error" : "info",
    });
    if (app.stopping !== null) return;
    const phase = app.state === "starting" ? "starting" : "running";
    this.#changeState(app, "crashed", `exited ${describeExit(app)} while ${phase}`);
    this.#emit(app.projectId, "runtime.crashed", {
      runtimeId: app.runtimeId,
      projectId: app.projectId,
      exitCode: app.exitCode,
      signal: app.signal,
      phase,
      lastLines: this.#lastLines(app),
    });
    void this.#moveProject(app.projectId, "error");
  }

  /** SIGTERM to the group, SIGKILL after the grace; a second call waits for the first. */
  async #stopApp(app: ManagedApp, graceMs: number, reason: string): Promise<void> {
    if (app.stopping !== null) return app.stopping;
    if (app.probeTimer !== null) clearInterval(app.probeTimer);
    app.probeTimer = null;
    this.logs.append({
      projectId: app.projectId,
      runtimeId: app.runtimeId,
      stream: "att",
      text: `stopping (${reason}): SIGTERM, then SIGKILL after ${graceMs} ms`,
      level: "info",
    });
    app.stopping = (async () => {
      await app.group.stop(graceMs);
      this.#changeState(app, "stopped", reason);
      await this.#moveProject(app.projectId, "stopped");
    })();
    return app.stopping;
  }

  #watchHealth(app: ManagedApp): void {
    const every = this.#context.config.runtimeProbeMs;
    let probing = false;
    app.probeTimer = setInterval(() => {
      if (probing) return;
      probing = true;
      void probeHealth(app.url, Math.min(every, 3000))
        .then((probe) => this.#probed(app, probe))
        .finally(() => {
          probing = false;
        });
    }, every);
    app.probeTimer.unref();
  }

  #probed(app: ManagedApp, probe: ManagedApp["lastProbe"]): void {
    if (probe === null || app.stopping !== null || !isLive(app.state)) return;
    app.lastProbe = probe;
    if (probe.ok) {
      app.failedProbes = 0;
      if (app.state === "unhealthy") this.#changeState(app, "running", null);
      return;
    }
    app.failedProbes += 1;
    this.logs.append({
      projectId: app.projectId,
      runtimeId: app.runtimeId,
      stream: "att",
      text: `health probe failed (${app.failedProbes} in a row): ${probe.error ?? "no answer"}`,
      level: "warning",
    });
    if (app.state === "running" && app.failedProbes >= FAILED_PROBES_FOR_UNHEALTHY) {
      this.#changeState(app, "unhealthy", `${app.failedProbes} health probes failed: ${probe.error ?? "no answer"}`);
    }
  }

  /** A requested port must be free, unless the app about to be replaced holds it. */
  async #claimPort(port: number): Promise<void> {
    const current = this.#app;
    if (current !== null && isLive(current.state) && current.port === port) return;
    if (!(await isPortFree(port))) {
      throw new OperationError("conflict", `port ${port} on 127.0.0.1 is already in use`, {
        reason: "port_in_use",
        port,
      });
    }
  }

  #changeState(app: ManagedApp, state: RuntimeState, reason: string | null, previous = app.state): void {
    app.state = state;
    app.reason = reason;
    // Lines first, so a subscriber sees the output that led to the change before the change.
    this.logs.flush();
    this.logs.publish();
    this.#emit(app.projectId, "runtime.status", {
      runtimeId: app.runtimeId,
      state,
      previous,
      kind: app.spec.kind,
      pid: app.group.pid,
      port: app.port,
      url: app.url,
      reason,
      releaseId: app.spec.releaseId,
    });
  }

  /** The project's status follows its app where PROJECT_TRANSITIONS allows; otherwise it stays. */
  async #moveProject(projectId: string, to: ProjectStatus): Promise<void> {
    if (this.#closing) return;
    try {
      const project = await this.#context.catalog.get(projectId);
      if (project.status !== to && canTransition(project.status, to))
        await this.#context.catalog.setStatus(projectId, to);
    } catch {
      // The project was deleted meanwhile: nothing to update.
    }
  }

  #lastLines(app: ManagedApp): string[] {
    return this.logs.recent(app.runtimeId, CRASH_LINES, (line) => line.stream !== "att").map((line) => line.text);
  }

  #emit(
    projectId: string,
    type: "runtime.status" | "runtime.log" | "runtime.crashed",
    payload: { [key: string]: Json },
  ): void {
    emitEvent(this.#context, { projectId, type, payload });
  }

  #refuseWhenClosing(): void {
    if (this.#closing) throw new OperationError("conflict", "the agent is stopping", { reason: "agent_stopping" });
  }
}

function describeExit(app: ManagedApp): string {
  if (app.signal !== null) return `on signal ${app.signal}`;
  return `with code ${app.exitCode ?? "unknown"}`;
}
