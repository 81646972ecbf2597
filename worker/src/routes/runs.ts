/** A project's test runs and its one-shot NAT commands (`nat run`, `nat eval`), recorded as runs. */
import { NatEvalParams, NatRunParams, TestsRunParams } from "@att/shared";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppBindings } from "../env.ts";
import { operationRoute, queryInt } from "./operation-route.ts";

const TESTS = "tests";
const NAT = "nat";

export function registerRuns(app: OpenAPIHono<AppBindings>): void {
  const base = "/api/v1/projects/{id}";
  operationRoute(app, {
    verb: "post",
    path: `${base}/test/run`,
    tag: TESTS,
    summary: "Run the project's tests (pytest or npm test) and parse the results",
    description:
      "Selects by paths or node ids, suite folder, -k and -m. The whole process group is killed at the timeout (status timed_out). With `wait: false` the answer is the running run; follow test.* events or GET test/results.",
    operation: "tests.run",
    body: TestsRunParams.omit({ projectId: true }),
    bodyExample: { paths: ["tests"], keyword: "answer", timeoutSeconds: 300, coverageThreshold: 80 },
    errors: [403, 404, 412],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/test/results`,
    tag: TESTS,
    summary: "The latest test run's results",
    operation: "tests.results",
    errors: [404],
    toParams: ({ id }) => ({ projectId: id }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/test/results/{runId}`,
    tag: TESTS,
    summary: "One test run's results",
    operation: "tests.results",
    errors: [404],
    toParams: ({ id, params }) => ({ projectId: id, runId: params.runId }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/nat/run`,
    tag: NAT,
    summary: "`nat run` with one input: the workflow's result and its output",
    operation: "nat.run",
    body: NatRunParams.omit({ projectId: true }),
    bodyExample: { input: "What can you do?" },
    errors: [404, 412],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/nat/eval`,
    tag: NAT,
    summary: "`nat eval` into ATT's own output folder: workflow output, evaluator results, profiler data",
    operation: "nat.eval",
    body: NatEvalParams.omit({ projectId: true }),
    bodyExample: { dataset: "data/eval.json" },
    errors: [403, 404, 412],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/nat/runs`,
    tag: NAT,
    summary: "Recorded `nat run` and `nat eval` runs, newest first",
    operation: "nat.runs",
    query: z.object({ limit: queryInt(1, 100).optional() }),
    errors: [404],
    toParams: ({ id, query }) => ({ projectId: id, ...query }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/nat/runs/{runId}`,
    tag: NAT,
    summary: "One recorded `nat run` or `nat eval` run",
    operation: "nat.runs",
    errors: [404],
    toParams: ({ id, params }) => ({ projectId: id, runId: params.runId }),
  });
}
