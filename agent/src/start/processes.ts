/**
 * Child processes started in their own process group and ended as a group
 * (SIGTERM, then SIGKILL after a grace period), so nothing is left behind:
 * wrangler starts workerd, which would otherwise outlive it.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";

export interface GroupProcess {
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Sends a signal to the whole group (no-op once it is gone). */
  signal: (name: NodeJS.Signals) => void;
  stop: (graceMs?: number) => Promise<void>;
}

export function startGroup(options: {
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logFile: string;
}): GroupProcess {
  const log = createWriteStream(options.logFile, { flags: "a", mode: 0o600 });
  const child = spawn(options.command, options.args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.pipe(log, { end: false });
  child.stderr?.pipe(log, { end: false });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  // On 'close', not 'exit': output can still be in the pipes when the process exits (writing it after end() throws).
  child.once("close", () => log.end());
  const signal = (name: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, name);
    } catch {
      // The group is already gone.
    }
  };
  return {
    child,
    exited,
    signal,
    stop: async (graceMs = 5000) => {
      signal("SIGCONT"); // a stopped group cannot act on SIGTERM
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      signal("SIGKILL"); // workerd children that ignored SIGTERM
    },
  };
}
