/**
 * One-shot work on a project, recorded as runs: its test suite (pytest or the
 * npm test script), `nat run` and `nat eval`. Each run is stored and can be
 * read again, latest or by id.
 */
import { z } from "zod";
import { JsonObject, JsonValue } from "../json.ts";
import { Timestamp } from "../models.ts";
import { ProjectPath, ProjectScoped } from "./common.ts";
import { EnvVars } from "./runtime.ts";

export const RunStatus = z
  .enum(["running", "passed", "failed", "error", "timed_out", "no_tests", "collection_error"])
  .meta({
    id: "RunStatus",
    description:
      "error: the command could not run or ended without a usable result; no_tests: nothing was collected; collection_error: a test file could not be imported (e.g. a syntax error).",
  });
export type RunStatus = z.infer<typeof RunStatus>;

export const TestCounts = z
  .object({
    total: z.number().int().min(0),
    passed: z.number().int().min(0),
    failed: z.number().int().min(0),
    skipped: z.number().int().min(0),
    errors: z.number().int().min(0),
    xfailed: z.number().int().min(0),
    xpassed: z.number().int().min(0),
  })
  .meta({ id: "TestCounts" });

export const TestFailure = z
  .object({
    id: z.string().meta({
      description: "pytest node id or vitest 'file > suite > test'.",
      example: "tests/test_app.py::test_answer",
    }),
    kind: z.enum(["failure", "error"]),
    message: z.string(),
    traceback: z.string(),
    file: z.string().nullable(),
    line: z.number().int().nullable(),
  })
  .meta({ id: "TestFailure" });

export const TestRun = z
  .object({
    id: z.string(),
    projectId: z.string(),
    framework: z.enum(["pytest", "vitest", "npm"]),
    status: RunStatus,
    command: z.array(z.string()),
    counts: TestCounts,
    failures: z.array(TestFailure),
    durationMs: z.number().int().min(0).nullable(),
    coverage: z
      .object({ percent: z.number().min(0).max(100), threshold: z.number().nullable(), met: z.boolean().nullable() })
      .nullable()
      .meta({ description: "Line coverage when pytest-cov is installed." }),
    exitCode: z.number().int().nullable(),
    outputTail: z.string().meta({ description: "The last part of the combined output." }),
    reason: z.string().nullable().meta({ description: "Why the run is error/timed_out/no_tests/collection_error." }),
    startedAt: Timestamp,
    finishedAt: Timestamp.nullable(),
  })
  .meta({ id: "TestRun" });
export type TestRun = z.infer<typeof TestRun>;

export const TestSuite = z.enum(["unit", "integration", "e2e"]).meta({
  description: "Runs tests/<suite> (the folder must exist).",
});

export const TestsRunParams = ProjectScoped.extend({
  paths: z.array(ProjectPath).max(100).default([]).meta({ description: "Files, folders or pytest node ids." }),
  suite: TestSuite.optional(),
  keyword: z.string().min(1).max(512).optional().meta({ description: "pytest -k expression (vitest -t)." }),
  marker: z.string().min(1).max(512).optional().meta({ description: "pytest -m expression." }),
  timeoutSeconds: z.number().int().min(1).max(3600).default(600),
  coverageThreshold: z.number().min(0).max(100).optional().meta({ description: "Flag coverage below this percent." }),
  env: EnvVars.default({}),
  wait: z
    .boolean()
    .default(true)
    .meta({ description: "false: answer at once with the running run; follow test.* events." }),
});
export const TestsRunResult = z.object({ run: TestRun });

export const TestsResultsParams = ProjectScoped.extend({
  runId: z.string().min(1).max(64).optional().meta({ description: "The latest run when omitted." }),
});
export const TestsResultsResult = z.object({ run: TestRun });

export const NatRunRecord = z
  .object({
    id: z.string(),
    projectId: z.string(),
    kind: z.enum(["run", "eval"]),
    status: RunStatus,
    command: z.array(z.string()),
    configPath: ProjectPath,
    input: z.string().nullable(),
    result: z.string().nullable().meta({ description: "nat run: the workflow result NAT printed." }),
    exitCode: z.number().int().nullable(),
    durationMs: z.number().int().min(0).nullable(),
    outputTail: z.string(),
    reason: z.string().nullable(),
    eval: z
      .object({
        outputDir: z.string().meta({ description: "ATT's own folder for this run; NAT empties it first." }),
        files: z.array(z.object({ name: z.string(), bytes: z.number().int().min(0) })),
        workflowOutput: JsonValue.nullable().meta({ description: "workflow_output.json" }),
        evaluators: z
          .record(z.string(), JsonObject)
          .meta({ description: "<evaluator>_output.json by evaluator name." }),
        profiler: JsonObject.nullable().meta({
          description: "Profiler outputs when present: workflow_profiling_metrics.json, inference_optimization.json.",
        }),
      })
      .nullable(),
    startedAt: Timestamp,
    finishedAt: Timestamp.nullable(),
  })
  .meta({ id: "NatRun" });
export type NatRunRecord = z.infer<typeof NatRunRecord>;

export const NatRunParams = ProjectScoped.extend({
  input: z.string().min(1).max(100_000),
  configPath: ProjectPath.optional(),
  env: EnvVars.default({}),
  timeoutSeconds: z.number().int().min(1).max(3600).default(300),
});
export const NatRunResult = z.object({ run: NatRunRecord });

export const NatEvalParams = ProjectScoped.extend({
  configPath: ProjectPath.optional(),
  dataset: ProjectPath.optional().meta({ description: "Overrides the config's eval dataset." }),
  env: EnvVars.default({}),
  timeoutSeconds: z.number().int().min(1).max(3600).default(900),
});
export const NatEvalResult = z.object({ run: NatRunRecord });

export const NatRunsParams = ProjectScoped.extend({
  runId: z.string().min(1).max(64).optional(),
  limit: z.number().int().min(1).max(100).default(20),
});
export const NatRunsResult = z.object({ runs: z.array(NatRunRecord).meta({ description: "Newest first." }) });

export const RUN_METHODS = {
  "tests.run": { params: TestsRunParams, result: TestsRunResult },
  "tests.results": { params: TestsResultsParams, result: TestsResultsResult },
  "nat.run": { params: NatRunParams, result: NatRunResult },
  "nat.eval": { params: NatEvalParams, result: NatEvalResult },
  "nat.runs": { params: NatRunsParams, result: NatRunsResult },
} as const;
