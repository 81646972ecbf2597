/**
 * Recorded runs: a project's tests (tests.*) and one-shot NAT commands
 * (nat.run, nat.eval, nat.runs). The agent calls `reapOrphanedRuns` at start
 * and `stopRuns` when it stops.
 */
import type { Operations } from "../context.ts";
import { natRunOperations } from "../nat-runs/index.ts";
import { testOperations } from "../tests/index.ts";

export { stopRuns } from "./active.ts";
export { reapOrphanedRuns } from "./store.ts";

export const runOperations: Operations<"tests.run" | "tests.results" | "nat.run" | "nat.eval" | "nat.runs"> = {
  ...testOperations,
  ...natRunOperations,
};
