/**
 * For the tests of talking to a running NAT app: a real `nat serve` started
 * in its own process group and ready once /health answers 200, a runtime
 * stand-in that reports such an app as a project's managed runtime (the
 * runtime manager is tested on its own), and a caller for the interact
 * operations the way the link calls them.
 */
import type { RuntimeKind, RuntimeStatus } from "@att/shared";
import { freePort } from "../../tests/support/stack.ts";
import { OperationError } from "../src/operations/errors.ts";
import type { LaunchSpec, RuntimeControl } from "../src/operations/runtime/control.ts";
import { projectEnv } from "../src/process/env.ts";
import { spawnGroup } from "../src/process/group.ts";

export interface ServedApp {
  url: string;
  /** The app's recent output, for failure messages. */
  lastLines: () => string;
  stop: () => Promise<void>;
}

/** `nat serve` on a free 127.0.0.1 port; resolves when /health answers 200, fails with NAT's output otherwise. */
export async function serveNat(options: { nat: string; cwd: string; configFile: string }): Promise<ServedApp> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const lines: string[] = [];
  const app = spawnGroup({
    argv: [options.nat, "serve", "--config_file", options.configFile, "--host", "127.0.0.1", "--port", String(port)],
    cwd: options.cwd,
    env: await projectEnv(options.cwd, {}),
    onLine: (_stream, line) => {
      lines.push(line);
      if (lines.length > 60) lines.shift();
    },
  });
  const served: ServedApp = {
    url,
    lastLines: () => lines.join("\n"),
    stop: async () => {
      await app.stop(5000);
    },
  };
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if (!app.running()) throw new Error(`nat serve exited before it was ready:\n${served.lastLines()}`);
    const healthy = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) }).then(
      (response) => response.status === 200,
      () => false,
    );
    if (healthy) return served;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await served.stop();
  throw new Error(`nat serve was not healthy within 180 s:\n${served.lastLines()}`);
}

function status(projectId: string, app: { url: string; kind: RuntimeKind } | undefined): RuntimeStatus {
  return {
    projectId,
    kind: app?.kind ?? null,
    state: app === undefined ? "stopped" : "running",
    pid: null,
    port: app === undefined ? null : Number(new URL(app.url).port),
    url: app?.url ?? null,
    configPath: null,
    releaseId: null,
    startedAt: null,
    uptimeMs: null,
    exitCode: null,
    signal: null,
    lastProbe: null,
    reason: null,
    logCursor: 0,
  };
}

/** Reports apps started by the test as the projects' runtimes; it starts and stops nothing itself. */
export class AppsStandIn implements RuntimeControl {
  readonly #apps = new Map<string, { url: string; kind: RuntimeKind }>();

  set(projectId: string, url: string, kind: RuntimeKind = "serve"): void {
    this.#apps.set(projectId, { url, kind });
  }

  async start(spec: LaunchSpec): Promise<RuntimeStatus> {
    throw new OperationError("internal", `the stand-in starts nothing (${spec.projectId})`);
  }
  async stop(projectId: string | null): Promise<RuntimeStatus> {
    throw new OperationError("internal", `the stand-in stops nothing (${projectId})`);
  }
  status(projectId: string): RuntimeStatus {
    return status(projectId, this.#apps.get(projectId));
  }
  lastSpec(): LaunchSpec | null {
    return null;
  }
  async shutdown(): Promise<void> {}
}
