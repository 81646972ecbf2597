/**
 * The one bounded runner for one-shot commands (tests, `nat run`, `nat eval`,
 * local CI): its own process group, output line by line into a tail buffer
 * and a callback, a timeout and cancellation that end the whole group
 * (SIGTERM, then SIGKILL after a grace period).
 */
import { type OutputStream, spawnGroup } from "../../process/group.ts";
import type { TailBuffer } from "./tail.ts";

export const KILL_GRACE_MS = 5000;

export interface BoundedOptions {
  argv: readonly [string, ...string[]];
  cwd: string;
  env: Readonly<Record<string, string>>;
  timeoutMs: number;
  /** Aborting ends the group; the outcome says `cancelled`. */
  signal?: AbortSignal | undefined;
  /** Combined stdout and stderr, one line per line. */
  output?: TailBuffer | undefined;
  onLine?: ((stream: OutputStream, line: string) => void) | undefined;
  /** The raw output as it arrives (byte for byte, not split into lines). */
  onData?: ((stream: OutputStream, chunk: Buffer) => void) | undefined;
  graceMs?: number | undefined;
}

export interface BoundedOutcome {
  /** Process group id (the leader's pid); null when it never started. */
  pid: number | null;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  cancelled: boolean;
  /** Set when the program could not be started (e.g. ENOENT). */
  spawnError: Error | null;
  durationMs: number;
}

export async function runBounded(options: BoundedOptions): Promise<BoundedOutcome> {
  const started = performance.now();
  const graceMs = options.graceMs ?? KILL_GRACE_MS;
  const group = spawnGroup({
    argv: options.argv,
    cwd: options.cwd,
    env: options.env,
    onLine: (stream, line) => {
      options.output?.write(`${line}\n`);
      options.onLine?.(stream, line);
    },
    onData: options.onData,
  });
  let timedOut = false;
  let cancelled = false;
  const end = (): void => {
    void group.stop(graceMs);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    end();
  }, options.timeoutMs);
  const onAbort = (): void => {
    cancelled = true;
    end();
  };
  options.signal?.addEventListener("abort", onAbort, { once: true });
  if (options.signal?.aborted === true) onAbort();
  const exit = await group.exited;
  clearTimeout(timer);
  options.signal?.removeEventListener("abort", onAbort);
  return {
    pid: group.pid,
    exitCode: exit.exitCode,
    signal: exit.signal,
    timedOut,
    cancelled,
    spawnError: exit.spawnError,
    durationMs: Math.round(performance.now() - started),
  };
}
