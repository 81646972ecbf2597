/**
 * Turns a finished test process into a run's status, reason, counts and
 * failures: pytest by its exit code and JUnit report, vitest by its JSON
 * report, a plain npm script by its exit code and printed summary.
 */
import { readFile } from "node:fs/promises";
import type { RunStatus } from "@att/shared";
import type { BoundedOutcome } from "../runs/bounded.ts";
import { readJsonFile } from "../runs/json-file.ts";
import { readJunit } from "./junit.ts";
import { countsFromSummary } from "./npm-summary.ts";
import type { TestPlan } from "./plan.ts";
import { type Counts, emptyCounts, type Failure } from "./types.ts";
import { readVitest, VitestReport } from "./vitest.ts";
import { XmlError } from "./xml.ts";

export interface Verdict {
  status: RunStatus;
  reason: string | null;
  counts: Counts;
  failures: Failure[];
}

export interface Finished {
  plan: TestPlan;
  outcome: BoundedOutcome;
  /** Realpath of the project root. */
  root: string;
  timeoutSeconds: number;
  /** Output lines, ANSI removed: the tail, and pytest's `XPASS <node id>` summary lines. */
  tail: string;
  xpassed: readonly string[];
}

/** Ends that leave no result to read, whatever the framework. */
function interrupted(done: Finished): Verdict | null {
  const { outcome } = done;
  const none = { counts: emptyCounts(), failures: [] };
  if (outcome.spawnError !== null) {
    return { status: "error", reason: `cannot run ${done.plan.argv[0]}: ${outcome.spawnError.message}`, ...none };
  }
  if (outcome.timedOut) {
    return {
      status: "timed_out",
      reason: `still running after ${done.timeoutSeconds} s; its whole process group was ended`,
      ...none,
    };
  }
  if (outcome.cancelled) return { status: "error", reason: "cancelled: the agent is stopping", ...none };
  return null;
}

export async function judge(done: Finished): Promise<Verdict> {
  const early = interrupted(done);
  if (early !== null) return early;
  if (done.plan.framework === "pytest") return judgePytest(done);
  if (done.plan.framework === "vitest") return judgeVitest(done);
  return judgeNpm(done);
}

async function judgePytest(done: Finished): Promise<Verdict> {
  const code = done.outcome.exitCode;
  const report = await readReport(done);
  const found = report ?? { counts: emptyCounts(), failures: [], collectionErrors: [] };
  const result = { counts: found.counts, failures: found.failures };
  if (code === 5) return { status: "no_tests", reason: "pytest collected no tests", ...result };
  if (code === 2 && found.collectionErrors.length > 0) {
    const reason = found.collectionErrors.map((error) => `${error.id}: ${error.message}`).join("; ");
    return { status: "collection_error", reason, ...result };
  }
  if (code === 0 && report !== null) return { status: "passed", reason: null, ...result };
  if (code === 1 && report !== null) {
    // Failing without a failed test: something else failed the session (e.g. a coverage minimum in addopts).
    return { status: "failed", reason: result.failures.length > 0 ? null : lastError(done.tail), ...result };
  }
  const why =
    code === 2
      ? "pytest was interrupted"
      : code === 3
        ? "pytest hit an internal error"
        : code === 4
          ? "pytest was called wrongly"
          : report === null
            ? "pytest wrote no report"
            : `pytest ended with ${code === null ? `signal ${done.outcome.signal}` : `exit code ${code}`}`;
  return { status: "error", reason: `${why}: ${lastError(done.tail)}`, ...result };
}

async function readReport(done: Finished): Promise<ReturnType<typeof readJunit> | null> {
  if (done.plan.reportFile === null) return null;
  const xml = await readFile(done.plan.reportFile, "utf8").catch(() => null);
  if (xml === null) return null;
  try {
    return readJunit(xml, { root: done.root, xpassed: done.xpassed });
  } catch (error) {
    if (error instanceof XmlError) return null;
    throw error;
  }
}

async function judgeVitest(done: Finished): Promise<Verdict> {
  const parsed = VitestReport.safeParse(
    done.plan.reportFile === null ? null : await readJsonFile(done.plan.reportFile),
  );
  if (!parsed.success) {
    if (/No test files found/i.test(done.tail)) {
      return { status: "no_tests", reason: "vitest found no test files", counts: emptyCounts(), failures: [] };
    }
    return {
      status: "error",
      reason: `vitest wrote no report: ${lastError(done.tail)}`,
      counts: emptyCounts(),
      failures: [],
    };
  }
  const { counts, failures, collectionErrors } = readVitest(parsed.data, done.root);
  if (collectionErrors.length > 0) {
    const reason = collectionErrors.map((error) => `${error.id}: ${error.message}`).join("; ");
    return { status: "collection_error", reason, counts, failures };
  }
  if (counts.total === 0) return { status: "no_tests", reason: "vitest ran no tests", counts, failures };
  return { status: done.outcome.exitCode === 0 ? "passed" : "failed", reason: null, counts, failures };
}

function judgeNpm(done: Finished): Verdict {
  const counts = countsFromSummary(done.tail.split("\n")) ?? emptyCounts();
  if (done.outcome.exitCode === 0) return { status: "passed", reason: null, counts, failures: [] };
  if (/Missing script: "?test/.test(done.tail)) {
    return { status: "error", reason: "the project has no test script", counts, failures: [] };
  }
  return { status: "failed", reason: `npm test ended with exit code ${done.outcome.exitCode}`, counts, failures: [] };
}

/** The line that best says what went wrong: the last error-looking line, else the last line. */
function lastError(tail: string): string {
  const lines = tail
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const error = lines.findLast((line) => /error|not found|no module named/i.test(line));
  return (error ?? lines.at(-1) ?? "no output").slice(0, 1000);
}
