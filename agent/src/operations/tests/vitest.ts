/**
 * vitest's JSON report (`--reporter=json`, Jest's format) as counts and
 * failures. A test file that fails with no tests in it could not be loaded
 * (e.g. a syntax error): that is a collection error.
 */
import path from "node:path";
import { z } from "zod";
import { boundFailure, MAX_FAILURES } from "./limits.ts";
import { type Counts, emptyCounts, type Failure } from "./types.ts";

const Assertion = z.object({
  ancestorTitles: z.array(z.string()).default([]),
  title: z.string(),
  status: z.string(),
  failureMessages: z.array(z.string()).default([]),
});
const FileResult = z.object({
  name: z.string(),
  status: z.string(),
  message: z.string().default(""),
  assertionResults: z.array(Assertion).default([]),
});
export const VitestReport = z.object({ testResults: z.array(FileResult) });

export interface VitestResult {
  counts: Counts;
  failures: Failure[];
  collectionErrors: Failure[];
}

const SKIPPED = new Set(["skipped", "pending", "todo", "disabled"]);

export function readVitest(report: z.infer<typeof VitestReport>, root: string): VitestResult {
  const counts = emptyCounts();
  const failures: Failure[] = [];
  const collectionErrors: Failure[] = [];
  for (const file of report.testResults) {
    const relative = path.relative(root, file.name).split(path.sep).join("/");
    if (file.status === "failed" && file.assertionResults.length === 0) {
      counts.errors += 1;
      collectionErrors.push({
        id: relative,
        kind: "error",
        message: file.message,
        traceback: file.message,
        file: relative,
        line: null,
      });
    }
    for (const test of file.assertionResults) {
      counts.total += 1;
      if (test.status === "passed") counts.passed += 1;
      else if (SKIPPED.has(test.status)) counts.skipped += 1;
      else {
        counts.failed += 1;
        const traceback = test.failureMessages.join("\n");
        failures.push({
          id: [relative, ...test.ancestorTitles, test.title].join(" > "),
          kind: "failure",
          message: traceback.split("\n")[0] ?? "",
          traceback,
          file: relative,
          line: lineIn(traceback, file.name),
        });
      }
    }
  }
  return {
    counts,
    failures: [...collectionErrors, ...failures].slice(0, MAX_FAILURES).map(boundFailure),
    collectionErrors: collectionErrors.map(boundFailure),
  };
}

/** The first stack frame in the test file itself: `<file>:<line>:<column>`. */
function lineIn(stack: string, file: string): number | null {
  for (const line of stack.split("\n")) {
    const at = line.indexOf(`${file}:`);
    if (at === -1) continue;
    const match = /^:(\d+):\d+/.exec(line.slice(at + file.length));
    if (match !== null) return Number(match[1]);
  }
  return null;
}
