/** The agent's settings, from the environment (and `--flag value` arguments, which win). */
import os from "node:os";
import path from "node:path";
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_TIMEOUT_MS } from "@att/shared";
import { invalidAllowEntries, parseAllowVariable } from "./security/terminal-allow.ts";

export interface AgentConfig {
  /** Control plane origin, e.g. http://127.0.0.1:8787 or https://att.example.com. */
  server: string;
  token: string;
  projectsDir: string;
  stateDir: string;
  natCommand: string;
  /** Python for a project's tests when it has no venv of its own (`.venv/`, `venv/`). */
  pythonCommand: string;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Most events in flight (sent, not yet acknowledged) on the link. */
  eventWindow: number;
  /** `git.push` tries this many times on network errors, backing off from `gitPushBackoffMs`. */
  gitPushAttempts: number;
  gitPushBackoffMs: number;
  /** How often the managed NAT app's /health is probed while it runs. */
  runtimeProbeMs: number;
  /** Pull requests and Actions go to GitHub when a token is set and the project's origin is there. */
  github: { token: string | null; apiUrl: string };
  /** The launcher that runs this ATT (agent/src/launcher), when one does: self-restarts go through it. */
  launcher: { url: string; token: string } | null;
  /** ATT_TERMINAL_ALLOW: what terminal.run may start; null defers to `<stateDir>/agent.json`, then the default. */
  terminalAllow: string[] | null;
}

export class ConfigError extends Error {}

const FLAGS: Record<string, string> = {
  "--server": "ATT_SERVER",
  "--token": "ATT_AGENT_TOKEN",
  "--projects-dir": "ATT_PROJECTS_DIR",
  "--state-dir": "ATT_AGENT_STATE_DIR",
};

export function readConfig(argv: readonly string[], env: NodeJS.ProcessEnv): AgentConfig {
  const values: Record<string, string | undefined> = { ...env };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i] ?? "";
    const name = FLAGS[flag];
    if (name === undefined) throw new ConfigError(`unknown option ${flag}; options: ${Object.keys(FLAGS).join(", ")}`);
    const value = argv[i + 1];
    if (value === undefined) throw new ConfigError(`${flag} needs a value`);
    values[name] = value;
    i += 1;
  }
  const token = values.ATT_AGENT_TOKEN;
  if (token === undefined || token === "") {
    throw new ConfigError("no pairing token: set ATT_AGENT_TOKEN (or pass --token); `npm start` sets one for you");
  }
  const home = os.homedir();
  return {
    server: values.ATT_SERVER ?? `http://127.0.0.1:${values.ATT_PORT ?? "8787"}`,
    token,
    projectsDir: path.resolve(values.ATT_PROJECTS_DIR ?? path.join(home, "att-projects")),
    stateDir: path.resolve(values.ATT_AGENT_STATE_DIR ?? path.join(home, ".att", "agent")),
    natCommand: values.ATT_NAT_COMMAND ?? "nat",
    pythonCommand: values.ATT_PYTHON_COMMAND ?? "python3",
    heartbeatIntervalMs: positive(values.ATT_HEARTBEAT_INTERVAL_MS, HEARTBEAT_INTERVAL_MS),
    heartbeatTimeoutMs: positive(values.ATT_HEARTBEAT_TIMEOUT_MS, HEARTBEAT_TIMEOUT_MS),
    backoffBaseMs: positive(values.ATT_BACKOFF_BASE_MS, 250),
    backoffMaxMs: positive(values.ATT_BACKOFF_MAX_MS, 10_000),
    eventWindow: positive(values.ATT_EVENT_WINDOW, 256),
    gitPushAttempts: positive(values.ATT_GIT_PUSH_ATTEMPTS, 4),
    gitPushBackoffMs: positive(values.ATT_GIT_PUSH_BACKOFF_MS, 1000),
    runtimeProbeMs: positive(values.ATT_RUNTIME_PROBE_MS, 5000),
    github: {
      token: nonEmpty(values.GITHUB_TOKEN) ?? nonEmpty(values.GH_TOKEN),
      apiUrl: nonEmpty(values.ATT_GITHUB_API_URL) ?? "https://api.github.com",
    },
    launcher: launcherOf(values),
    terminalAllow: terminalAllowOf(values.ATT_TERMINAL_ALLOW),
  };
}

function terminalAllowOf(value: string | undefined): string[] | null {
  const entries = parseAllowVariable(value);
  const invalid = invalidAllowEntries(entries ?? []);
  if (invalid.length > 0) {
    throw new ConfigError(
      `ATT_TERMINAL_ALLOW has entries that are not program names or paths: ${invalid.join(", ")} (use e.g. default,git,npm)`,
    );
  }
  return entries;
}

function launcherOf(values: Record<string, string | undefined>): AgentConfig["launcher"] {
  const url = nonEmpty(values.ATT_LAUNCHER_URL);
  const token = nonEmpty(values.ATT_LAUNCHER_TOKEN);
  if (url === null && token === null) return null;
  if (url === null || token === null) throw new ConfigError("ATT_LAUNCHER_URL and ATT_LAUNCHER_TOKEN go together");
  return { url, token };
}

/** ws:// for http, wss:// for https: the agent link is encrypted whenever the control plane is. */
export function linkUrl(server: string): string {
  const url = new URL("/api/v1/agent/ws", server);
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  else if (url.protocol !== "ws:" && url.protocol !== "wss:") throw new ConfigError(`unsupported server URL ${server}`);
  return url.toString();
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === "" ? null : value;
}

function positive(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`expected a positive whole number, got '${value}'`);
  return n;
}
