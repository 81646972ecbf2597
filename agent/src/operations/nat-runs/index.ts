/** One-shot NAT commands recorded as runs: `nat run`, `nat eval`, and reading them back. */
import type { Operations } from "../context.ts";
import { natEval } from "./eval.ts";
import { natRuns } from "./list.ts";
import { natRun } from "./run.ts";

export const natRunOperations: Operations<"nat.run" | "nat.eval" | "nat.runs"> = {
  "nat.run": natRun,
  "nat.eval": natEval,
  "nat.runs": natRuns,
};
