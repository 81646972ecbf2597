/**
 * Runs one CI command as its own process group: output into a tail buffer,
 * a timeout, cancellation, and the whole group ended when it is over.
 */
import { spawn } from "node:child_process";
import type { TailBuffer } from "./tail.ts";

const KILL_GRACE_MS = 5000;
/** Secrets of the agent that a project's test command has no business seeing. */
const WITHHELD_ENV = ["GITHUB_TOKEN", "GH_TOKEN", "ATT_AGENT_TOKEN", "ATT_TOKEN"];

export interface ProcessOutcome {
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
}

export function runBounded(options: {
  argv: readonly [string, ...string[]];
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
  output: TailBuffer;
}): Promise<ProcessOutcome> {
  const [program, ...args] = options.argv;
  return new Promise((resolve) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
      env: ciEnv(),
    });
    let timedOut = false;
    let cancelled = false;
    let started = true;
    let graceTimer: NodeJS.Timeout | undefined;
    const endGroup = (signal: NodeJS.Signals) => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // the group is already gone
      }
    };
    const stop = () => {
      endGroup("SIGTERM");
      graceTimer ??= setTimeout(() => endGroup("SIGKILL"), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    options.signal.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (chunk: Buffer) => options.output.write(chunk));
    child.stderr.on("data", (chunk: Buffer) => options.output.write(chunk));
    // Whatever the command left running in its group must not outlive the run (or keep its pipes open).
    child.on("exit", () => endGroup("SIGKILL"));
    child.on("error", (error) => {
      started = child.pid !== undefined;
      options.output.write(`\n[att] could not start ${program}: ${error.message}\n`);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      options.signal.removeEventListener("abort", onAbort);
      resolve({ exitCode: started ? code : null, timedOut, cancelled });
    });
    if (options.signal.aborted) onAbort();
  });
}

function ciEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "true" };
  for (const name of WITHHELD_ENV) delete env[name];
  return env;
}
