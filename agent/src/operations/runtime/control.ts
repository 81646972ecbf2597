/**
 * What other capabilities (deploy, send, debug) need from the managed
 * runtime. The RuntimeManager implements it; operations reach it through
 * `OperationContext.runtime`.
 */
import type { RuntimeKind, RuntimeStatus } from "@att/shared";

export interface LaunchSpec {
  projectId: string;
  kind: RuntimeKind;
  /** Absolute folder the app runs in: the project root, or an unpacked release. */
  root: string;
  /** Config file relative to `root`. */
  configPath: string;
  /** Requested variables (the project's `.env` in `root` is read by the manager). */
  env: Readonly<Record<string, string>>;
  /** A free port is chosen when null. */
  port: number | null;
  readyTimeoutMs: number;
  /** Set when the app runs a deployed release. */
  releaseId: string | null;
}

export interface RuntimeControl {
  /**
   * Validates the config, stops whatever app runs (one at a time), launches
   * this one and waits until /health answers 200. Throws an OperationError
   * carrying NAT's own message when validation, launch or readiness fails;
   * the failed app is stopped and its lines stay in the logs.
   */
  start(spec: LaunchSpec): Promise<RuntimeStatus>;
  /** Stops the app of `projectId` (any app when null); a `conflict` OperationError (details.reason "not_running") when none runs. */
  stop(projectId: string | null, graceMs: number): Promise<RuntimeStatus>;
  /** The status as the project sees it: its app's when it is the managed one, else stopped. */
  status(projectId: string): RuntimeStatus;
  /**
   * The spec the project's app last started with successfully (it became
   * healthy), for restart and deploy rollback: a failed start leaves it as it was.
   */
  lastSpec(projectId: string): LaunchSpec | null;
  /** Ends every app (agent shutdown). */
  shutdown(): Promise<void>;
}
