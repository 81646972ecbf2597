/**
 * Runs one CI command with the shared bounded runner: output into a tail
 * buffer, a timeout, cancellation, and the whole group ended when it is over.
 */
import { inheritedEnv } from "../../../../process/env.ts";
import { runBounded as runGroup } from "../../../runs/bounded.ts";
import type { TailBuffer } from "./tail.ts";

export interface ProcessOutcome {
  exitCode: number | null;
  timedOut: boolean;
  cancelled: boolean;
}

export async function runBounded(options: {
  argv: readonly [string, ...string[]];
  cwd: string;
  timeoutMs: number;
  signal: AbortSignal;
  output: TailBuffer;
}): Promise<ProcessOutcome> {
  const outcome = await runGroup({ ...options, env: { ...inheritedEnv(), CI: "true" } });
  if (outcome.spawnError !== null) {
    options.output.write(`\n[att] could not start ${options.argv[0]}: ${outcome.spawnError.message}\n`);
  }
  return { exitCode: outcome.exitCode, timedOut: outcome.timedOut, cancelled: outcome.cancelled };
}
