/**
 * Runs one release: `node agent/src/start/main.ts` in its directory, in its
 * own process group, on a free internal port, and waits until its health
 * reports this very commit with the agent connected. A release that exits
 * or stays unhealthy is stopped and refused with its log's tail.
 */
import { appendFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { HealthResponse } from "@att/shared";
import { readHealth } from "../start/control-plane.ts";
import { type GroupProcess, startGroup } from "../start/processes.ts";

/**
 * How long a release may take to stop after SIGTERM before its group is
 * killed. Generous: `npm start` then stops wrangler, which runs in a process
 * group of its own that a SIGKILL of the release would not reach.
 */
export const RELEASE_STOP_GRACE_MS = 20_000;

export interface RunningRelease {
  sha: string;
  dir: string;
  port: number;
  version: string | null;
  startedAt: string;
  logFile: string;
  group: GroupProcess;
}

/** Why a release was refused; the message carries the log's tail. */
export class UnhealthyError extends Error {
  override readonly name = "UnhealthyError";
}

export function logFileOf(home: string, sha: string): string {
  return path.join(home, "logs", `${sha}.log`);
}

export async function startRelease(options: {
  sha: string;
  dir: string;
  home: string;
  /** Tokens and the launcher's API: what every release gets besides ATT_PORT and ATT_BUILD. */
  env: Record<string, string>;
  healthTimeoutMs: number;
  /** Told of the process group as soon as it exists (so a shutdown can stop it). */
  onStart?: (group: GroupProcess) => void;
}): Promise<RunningRelease> {
  const { sha, dir, home } = options;
  const port = await freePort();
  const logFile = logFileOf(home, sha);
  const startedAt = new Date().toISOString();
  appendFileSync(logFile, `--- launcher: starting ${sha} on 127.0.0.1:${port} at ${startedAt} ---\n`, { mode: 0o600 });
  const group = startGroup({
    command: process.execPath,
    args: [path.join("agent", "src", "start", "main.ts")],
    cwd: dir,
    env: {
      ...process.env,
      ...options.env,
      ATT_PORT: String(port),
      ATT_BUILD: sha,
      ATT_STATE_DIR: path.join(home, "state", "wrangler"),
      ATT_AGENT_STATE_DIR: path.join(home, "state", "agent"),
    },
    logFile,
  });
  options.onStart?.(group);
  const output = recentOutput(group);
  const ended: { how: string | null } = { how: null };
  group.child.once("exit", (code, signal) => {
    ended.how = signal === null ? `exited with code ${code}` : `was killed by ${signal}`;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + options.healthTimeoutMs;
  let last: HealthResponse | null = null;
  while (ended.how === null && Date.now() < deadline) {
    last = await readHealth(url);
    if (last !== null && last.build === sha && last.agent.connected) {
      return { sha, dir, port, version: last.version, startedAt, logFile, group };
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const why =
    ended.how ?? `was not healthy within ${Math.round(options.healthTimeoutMs / 1000)} s (${describe(last, sha)})`;
  await group.stop(RELEASE_STOP_GRACE_MS);
  throw new UnhealthyError(`${sha.slice(0, 7)} ${why}; see ${logFile}\nIts last output:\n${await output.tail()}`);
}

/** Keeps the end of what the release prints, for the reason it is refused. */
function recentOutput(group: GroupProcess): { tail: (lines?: number) => Promise<string> } {
  let kept = "";
  const keep = (chunk: Buffer) => {
    kept = (kept + chunk.toString("utf8")).slice(-16_384);
  };
  group.child.stdout?.on("data", keep);
  group.child.stderr?.on("data", keep);
  // 'exit' can come before the last output: wait (briefly) for the pipes to close.
  const closed = new Promise((resolve) => group.child.once("close", resolve));
  return {
    tail: async (lines = 20) => {
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
      const text = kept.trimEnd();
      return text === "" ? "(no output)" : text.split("\n").slice(-lines).join("\n");
    },
  };
}

function describe(health: HealthResponse | null, sha: string): string {
  if (health === null) return "health never answered";
  if (health.build !== sha) return `health reports build ${health.build ?? "null"}`;
  return "the agent never connected";
}

/** A port nobody listens on right now (asked of the kernel). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== "object" || address === null) throw new Error("no free port");
  return address.port;
}
