/** tests.results: a project's latest test run, or one by id. */
import { TestRun } from "@att/shared";
import type { Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { getRun, listRuns } from "../runs/store.ts";

export const testsResults: Operation<"tests.results"> = async ({ projectId, runId }, { catalog, db }) => {
  await catalog.get(projectId); // not_found for an unknown project
  const query = { projectId, kinds: ["test"] as const, schema: TestRun };
  if (runId !== undefined) return { run: getRun(db, { ...query, id: runId }) };
  const [latest] = listRuns(db, { ...query, limit: 1 });
  if (latest === undefined) throw new OperationError("not_found", "this project has no test runs yet");
  return { run: latest };
};
