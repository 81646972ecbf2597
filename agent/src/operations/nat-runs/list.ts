/** nat.runs: a project's `nat run` / `nat eval` runs, newest first, or one by id. */
import { NatRunRecord } from "@att/shared";
import type { Operation } from "../context.ts";
import { jsonBytes } from "../runs/json-file.ts";
import { getRun, listRuns } from "../runs/store.ts";

/**
 * An answer travels in one link frame (1 MiB): a list stops before the run
 * that would take it past this, keeping the newest. One run always fits
 * (its parsed eval files are bounded).
 */
const LIST_BUDGET_BYTES = 768 * 1024;

export const natRuns: Operation<"nat.runs"> = async ({ projectId, runId, limit }, { catalog, db }) => {
  await catalog.get(projectId); // not_found for an unknown project
  const query = { projectId, kinds: ["nat.run", "nat.eval"] as const, schema: NatRunRecord };
  if (runId !== undefined) return { runs: [getRun(db, { ...query, id: runId })] };
  const runs: NatRunRecord[] = [];
  let bytes = 0;
  for (const run of listRuns(db, { ...query, limit })) {
    bytes += jsonBytes(run);
    if (runs.length > 0 && bytes > LIST_BUDGET_BYTES) break;
    runs.push(run);
  }
  return { runs };
};
