/** Test runs of a project: pytest, vitest or its npm test script. */
import type { Operations } from "../context.ts";
import { testsResults } from "./results.ts";
import { testsRun } from "./run.ts";

export const testOperations: Operations<"tests.run" | "tests.results"> = {
  "tests.run": testsRun,
  "tests.results": testsResults,
};
