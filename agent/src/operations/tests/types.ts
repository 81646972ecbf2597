/** Parts of a TestRun that the report readers produce. */
import type { TestRun } from "@att/shared";

export type Counts = TestRun["counts"];
export type Failure = TestRun["failures"][number];

export function emptyCounts(): Counts {
  return { total: 0, passed: 0, failed: 0, skipped: 0, errors: 0, xfailed: 0, xpassed: 0 };
}
