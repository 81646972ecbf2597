/** One launch of a managed app: what was started, where, and what became of it. */
import type { RuntimeState, RuntimeStatus } from "@att/shared";
import type { GroupProcess } from "../../process/group.ts";
import type { LaunchSpec } from "./control.ts";
import type { Probe } from "./health.ts";

/** States in which the app's process is (or should be) alive. */
export function isLive(state: RuntimeState): boolean {
  return state === "starting" || state === "running" || state === "unhealthy";
}

export class ManagedApp {
  /** Shared by the launch's validation lines and the app's own. */
  readonly runtimeId: string;
  readonly spec: LaunchSpec;
  readonly port: number;
  readonly url: string;
  readonly group: GroupProcess;
  readonly startedAt = new Date().toISOString();
  readonly #startedMs = Date.now();
  state: RuntimeState = "starting";
  exitCode: number | null = null;
  signal: string | null = null;
  reason: string | null = null;
  lastProbe: Probe | null = null;
  failedProbes = 0;
  /** Set once ATT asked it to end: its exit is then no crash. */
  stopping: Promise<void> | null = null;
  probeTimer: NodeJS.Timeout | null = null;

  constructor(options: { runtimeId: string; spec: LaunchSpec; port: number; group: GroupProcess }) {
    this.runtimeId = options.runtimeId;
    this.spec = options.spec;
    this.port = options.port;
    this.url = `http://127.0.0.1:${options.port}`;
    this.group = options.group;
  }

  get projectId(): string {
    return this.spec.projectId;
  }

  status(logCursor: number): RuntimeStatus {
    const live = isLive(this.state);
    return {
      projectId: this.spec.projectId,
      kind: this.spec.kind,
      state: this.state,
      pid: live ? this.group.pid : null,
      port: this.port,
      url: this.url,
      configPath: this.spec.configPath,
      releaseId: this.spec.releaseId,
      startedAt: this.startedAt,
      uptimeMs: live ? Date.now() - this.#startedMs : null,
      exitCode: this.exitCode,
      signal: this.signal,
      lastProbe: this.lastProbe,
      reason: this.reason,
      logCursor,
    };
  }
}

export function stoppedStatus(projectId: string, logCursor: number): RuntimeStatus {
  return {
    projectId,
    kind: null,
    state: "stopped",
    pid: null,
    port: null,
    url: null,
    configPath: null,
    releaseId: null,
    startedAt: null,
    uptimeMs: null,
    exitCode: null,
    signal: null,
    lastProbe: null,
    reason: null,
    logCursor,
  };
}
