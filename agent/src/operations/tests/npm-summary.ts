/**
 * Counts from the summary a test runner printed, for `npm test` scripts
 * ATT cannot ask for a report: node's test runner (`ℹ pass 3` or TAP
 * `# pass 3`), Jest (`Tests: 1 failed, 2 passed, 3 total`) and Mocha
 * (`3 passing`, `1 failing`, `2 pending`). Null when none is recognised.
 */
import { type Counts, emptyCounts } from "./types.ts";

type Field = "passed" | "failed" | "skipped";

const NODE = /^(?:ℹ|#)\s+(tests|pass|fail|skipped|todo|cancelled)\s+(\d+)\s*$/;
const JEST = /^Tests:\s+(.+)$/;
const MOCHA = /^\s*(\d+)\s+(passing|failing|pending)\b/;

const NODE_FIELDS: Record<string, Field | "total"> = {
  tests: "total",
  pass: "passed",
  fail: "failed",
  skipped: "skipped",
  todo: "skipped",
  cancelled: "failed",
};
const JEST_FIELDS: Record<string, Field | "total"> = {
  passed: "passed",
  failed: "failed",
  skipped: "skipped",
  todo: "skipped",
  total: "total",
};
const MOCHA_FIELDS: Record<string, Field> = { passing: "passed", failing: "failed", pending: "skipped" };

export function countsFromSummary(lines: readonly string[]): Counts | null {
  const counts = emptyCounts();
  let found = false;
  const add = (field: Field | "total" | undefined, value: number): void => {
    if (field === undefined) return;
    counts[field] += value;
    found = true;
  };
  for (const line of lines) {
    const node = NODE.exec(line);
    if (node !== null) add(NODE_FIELDS[node[1] ?? ""], Number(node[2]));
    const jest = JEST.exec(line);
    if (jest !== null) {
      for (const part of (jest[1] ?? "").split(",")) {
        const match = /(\d+)\s+(\w+)/.exec(part.trim());
        if (match !== null) add(JEST_FIELDS[match[2] ?? ""], Number(match[1]));
      }
    }
    const mocha = MOCHA.exec(line);
    if (mocha !== null) add(MOCHA_FIELDS[mocha[2] ?? ""], Number(mocha[1]));
  }
  if (!found) return null;
  if (counts.total === 0) counts.total = counts.passed + counts.failed + counts.skipped;
  return counts;
}
