/**
 * Runs the control plane locally under `wrangler dev` (workerd, Durable
 * Object state on disk), bound to 127.0.0.1, quiet and offline. Secrets reach
 * it through a 0600 env file, never the command line.
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type HealthResponse, HealthResponse as HealthSchema } from "@att/shared";
import { type GroupProcess, startGroup } from "./processes.ts";

export interface ControlPlaneOptions {
  repoRoot: string;
  port: number;
  userToken: string;
  agentToken: string;
  /** Durable Object state directory (default `.wrangler/state`). */
  persistTo: string;
  /** Directory for the env file, wrangler's logs and config. */
  runDir: string;
  extraVars?: Record<string, string>;
}

export interface ControlPlane {
  url: string;
  logFile: string;
  process: GroupProcess;
  stop: () => Promise<void>;
}

export function startControlPlane(options: ControlPlaneOptions): ControlPlane {
  const { repoRoot, port, runDir } = options;
  mkdirSync(runDir, { recursive: true, mode: 0o700 });
  const envFile = path.join(runDir, "secrets.env");
  const vars = { ATT_TOKEN: options.userToken, ATT_AGENT_TOKEN: options.agentToken, ...options.extraVars };
  writeFileSync(
    envFile,
    `${Object.entries(vars)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join("\n")}\n`,
    { mode: 0o600 },
  );
  const logFile = path.join(runDir, "wrangler.log");
  const wrangler = path.join(repoRoot, "node_modules", "wrangler", "bin", "wrangler.js");
  if (!existsSync(wrangler)) throw new Error(`wrangler is not installed at ${wrangler}: run \`npm install\` first`);
  const child = startGroup({
    command: process.execPath,
    args: [
      wrangler,
      "dev",
      "--config",
      path.join(repoRoot, "wrangler.toml"),
      "--ip",
      "127.0.0.1",
      "--port",
      String(port),
      "--inspector-port",
      "0",
      "--persist-to",
      options.persistTo,
      "--env-file",
      envFile,
      "--show-interactive-dev-session=false",
      "--log-level",
      "info",
    ],
    cwd: repoRoot,
    env: {
      ...process.env,
      WRANGLER_SEND_METRICS: "false",
      WRANGLER_SEND_ERROR_REPORTS: "false",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_HIDE_BANNER: "true",
      WRANGLER_LOG_PATH: path.join(runDir, "logs"),
      XDG_CONFIG_HOME: path.join(runDir, "config"),
      FORCE_COLOR: "0",
    },
    logFile,
  });
  return { url: `http://127.0.0.1:${port}`, logFile, process: child, stop: () => child.stop() };
}

/** Reads /api/v1/health once; null while the control plane is not answering. */
export async function readHealth(url: string): Promise<HealthResponse | null> {
  try {
    const response = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return null;
    const parsed = HealthSchema.safeParse(await response.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Polls health until `ready` holds, the process exits, or the deadline passes. */
export async function waitForHealth(options: {
  url: string;
  ready: (health: HealthResponse) => boolean;
  timeoutMs: number;
  exited?: Promise<unknown>;
}): Promise<HealthResponse> {
  let gone = false;
  void options.exited?.then(() => {
    gone = true;
  });
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline && !gone) {
    const health = await readHealth(options.url);
    if (health !== null && options.ready(health)) return health;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(gone ? "the control plane exited before it was ready" : `not ready within ${options.timeoutMs} ms`);
}
