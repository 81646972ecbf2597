/**
 * Coverage through pytest-cov: whether a Python has it (asked once per
 * Python command, then cached), and the total percent from its JSON report.
 */
import { z } from "zod";
import { runBounded } from "../runs/bounded.ts";
import { readJsonFile } from "../runs/json-file.ts";

const PROBE_TIMEOUT_MS = 60_000;
const available = new Map<string, Promise<boolean>>();

/**
 * Whether `python` can import pytest_cov; a failed probe counts as no. It runs
 * in `cwd` (the agent's state directory: no project's modules shadow the answer).
 */
export function hasPytestCov(python: string, env: Readonly<Record<string, string>>, cwd: string): Promise<boolean> {
  let known = available.get(python);
  if (known === undefined) {
    known = runBounded({
      argv: [python, "-c", "import pytest_cov"],
      cwd,
      env,
      timeoutMs: PROBE_TIMEOUT_MS,
    }).then((outcome) => outcome.exitCode === 0);
    available.set(python, known);
  }
  return known;
}

export interface Coverage {
  percent: number;
  threshold: number | null;
  met: boolean | null;
}

/** The part of coverage.py's JSON report we read. */
const CoverageReport = z.object({ totals: z.object({ percent_covered: z.number().min(0).max(100) }) });

/** The total line coverage of a coverage.py JSON report, or null when there is none. */
export async function readCoverage(file: string, threshold: number | null): Promise<Coverage | null> {
  const report = CoverageReport.safeParse(await readJsonFile(file));
  if (!report.success) return null;
  const percent = report.data.totals.percent_covered;
  return { percent, threshold, met: threshold === null ? null : percent >= threshold };
}
