/**
 * Runs in progress in this agent process, so they can be ended together
 * (agent shutdown, tests) and a caller can wait for one started with
 * `wait: false`.
 */
import { log } from "../../log.ts";

interface ActiveRun {
  abort: AbortController;
  done: Promise<void>;
}

const active = new Map<string, ActiveRun>();

/**
 * Tracks `work` under `runId` until it settles; it receives the signal that
 * cancels it. The returned promise never rejects: nobody may be waiting.
 */
export function trackRun(runId: string, work: (signal: AbortSignal) => Promise<void>): Promise<void> {
  const abort = new AbortController();
  const done = work(abort.signal)
    .catch((error: unknown) => {
      log("warn", "a run ended with an error", {
        runId,
        error: error instanceof Error ? error.message : String(error),
      });
    })
    .finally(() => active.delete(runId));
  active.set(runId, { abort, done });
  return done;
}

/** Resolves once the run finished (at once when it is not running here). */
export async function settled(runId: string): Promise<void> {
  await active.get(runId)?.done;
}

/** Cancels every run in progress and waits until each has recorded its end. */
export async function stopRuns(): Promise<void> {
  const runs = [...active.values()];
  for (const run of runs) run.abort.abort();
  await Promise.allSettled(runs.map((run) => run.done));
}
