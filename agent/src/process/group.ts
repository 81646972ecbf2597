/**
 * A child process in its own process group, read line by line and ended as a
 * group: SIGTERM, then SIGKILL after a grace period, so nothing it started
 * outlives it.
 */
import { spawn } from "node:child_process";
import { checkProcessCwd } from "./confine.ts";
import { LineSplitter } from "./lines.ts";

export type OutputStream = "stdout" | "stderr";

export interface GroupExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the program could not be started at all (e.g. ENOENT). */
  spawnError: Error | null;
}

export interface GroupProcess {
  readonly pid: number | null;
  /** Resolves once the process exited and its output was fully read. */
  readonly exited: Promise<GroupExit>;
  readonly running: () => boolean;
  /** Sends a signal to the whole group; a no-op once it is gone. */
  signal(name: NodeJS.Signals): void;
  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when it exited. */
  stop(graceMs: number): Promise<GroupExit>;
}

export function spawnGroup(options: {
  argv: readonly [string, ...string[]];
  cwd: string;
  env: Readonly<Record<string, string>>;
  onLine: (stream: OutputStream, line: string) => void;
  /** The raw output as it arrives, for callers that need it byte for byte. */
  onData?: (stream: OutputStream, chunk: Buffer) => void;
}): GroupProcess {
  checkProcessCwd(options.cwd); // throws: nothing starts outside the agent's folders
  const [program, ...args] = options.argv;
  const child = spawn(program, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const pid = child.pid ?? null;
  let alive = pid !== null;
  const signal = (name: NodeJS.Signals): void => {
    if (pid === null) return;
    try {
      process.kill(-pid, name);
    } catch {
      // The group is already gone.
    }
  };
  const stdout = new LineSplitter((line) => options.onLine("stdout", line));
  const stderr = new LineSplitter((line) => options.onLine("stderr", line));
  child.stdout.on("data", (chunk: Buffer) => {
    options.onData?.("stdout", chunk);
    stdout.write(chunk);
  });
  child.stderr.on("data", (chunk: Buffer) => {
    options.onData?.("stderr", chunk);
    stderr.write(chunk);
  });
  let spawnError: Error | null = null;
  child.on("error", (error) => {
    spawnError = error;
  });
  // Whatever the program left running in its group must not outlive it (or hold its pipes open).
  child.on("exit", () => {
    alive = false;
    signal("SIGKILL");
  });
  const exited = new Promise<GroupExit>((resolve) => {
    child.on("close", (code, name) => {
      alive = false;
      stdout.end();
      stderr.end();
      resolve({ exitCode: spawnError === null ? code : null, signal: name, spawnError });
    });
  });
  return {
    pid,
    exited,
    running: () => alive,
    signal,
    stop: async (graceMs) => {
      signal("SIGCONT"); // a stopped group cannot act on SIGTERM
      signal("SIGTERM");
      const timer = setTimeout(() => signal("SIGKILL"), graceMs);
      const exit = await exited;
      clearTimeout(timer);
      return exit;
    },
  };
}
