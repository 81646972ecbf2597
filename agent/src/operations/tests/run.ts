/**
 * tests.run: plans the run, records it as running and announces it
 * (`test.run`), executes it as a bounded process group, then records the
 * parsed result and announces `test.passed` or `test.failed`. With
 * `wait: false` the caller gets the running record at once.
 */
import { mkdir, realpath, rm } from "node:fs/promises";
import path from "node:path";
import { TestRun } from "@att/shared";
import { log } from "../../log.ts";
import { projectEnv } from "../../process/env.ts";
import { emitEvent, type Operation, type OperationContext } from "../context.ts";
import { trackRun } from "../runs/active.ts";
import { stripAnsi } from "../runs/ansi.ts";
import { runBounded } from "../runs/bounded.ts";
import { getRun, saveRun } from "../runs/store.ts";
import { TailBuffer } from "../runs/tail.ts";
import { readCoverage } from "./coverage.ts";
import { OUTPUT_TAIL_BYTES } from "./limits.ts";
import { judge } from "./outcome.ts";
import { planTests, type TestPlan } from "./plan.ts";
import { emptyCounts } from "./types.ts";

/** pytest's `-rX` summary line for an unexpected pass. */
const XPASS_LINE = /^XPASS (.+)$/;
const MAX_XPASS_LINES = 10_000;

export const testsRun: Operation<"tests.run"> = async (params, context) => {
  const project = await context.catalog.get(params.projectId);
  const root = await realpath(project.path);
  const id = crypto.randomUUID();
  const workDir = path.join(context.config.stateDir, "runs", id);
  const env = await projectEnv(root, params.env);
  const plan = await planTests({ root, params, config: context.config, workDir, env });
  await mkdir(workDir, { recursive: true, mode: 0o700 });
  const running: TestRun = {
    id,
    projectId: project.id,
    framework: plan.framework,
    status: "running",
    command: plan.argv,
    counts: emptyCounts(),
    failures: [],
    durationMs: null,
    coverage: null,
    exitCode: null,
    outputTail: "",
    reason: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
  };
  saveRun(context.db, "test", running);
  emitEvent(context, {
    projectId: project.id,
    type: "test.run",
    payload: { runId: id, framework: plan.framework, command: plan.argv },
  });
  const job: Job = { context, root, plan, running, workDir, timeoutSeconds: params.timeoutSeconds };
  const done = trackRun(id, (signal) => execute(job, params.coverageThreshold ?? null, signal));
  if (!params.wait) return { run: running };
  await done;
  return { run: getRun(context.db, { projectId: project.id, kinds: ["test"], schema: TestRun, id }) };
};

interface Job {
  context: OperationContext;
  root: string;
  plan: TestPlan;
  running: TestRun;
  workDir: string;
  timeoutSeconds: number;
}

/** Runs the plan and records its end; never throws (nobody may be waiting). */
async function execute(job: Job, threshold: number | null, signal: AbortSignal): Promise<void> {
  const { plan, running } = job;
  const tail = new TailBuffer(OUTPUT_TAIL_BYTES);
  const xpassed: string[] = [];
  let finished: TestRun;
  try {
    const outcome = await runBounded({
      argv: plan.argv,
      cwd: job.root,
      env: plan.env,
      timeoutMs: job.timeoutSeconds * 1000,
      signal,
      onLine: (_stream, raw) => {
        const line = stripAnsi(raw);
        tail.write(`${line}\n`);
        const xpass = XPASS_LINE.exec(line);
        if (xpass?.[1] !== undefined && xpassed.length < MAX_XPASS_LINES) xpassed.push(xpass[1]);
      },
    });
    const text = tail.text();
    const verdict = await judge({
      plan,
      outcome,
      root: job.root,
      timeoutSeconds: job.timeoutSeconds,
      tail: text,
      xpassed,
    });
    const coverage =
      plan.coverageFile === null || outcome.timedOut ? null : await readCoverage(plan.coverageFile, threshold);
    finished = {
      ...running,
      ...verdict,
      coverage,
      durationMs: outcome.durationMs,
      exitCode: outcome.exitCode,
      outputTail: text,
      finishedAt: new Date().toISOString(),
    };
  } catch (error) {
    finished = {
      ...running,
      status: "error",
      reason: `ATT could not finish the run: ${error instanceof Error ? error.message : String(error)}`,
      outputTail: tail.text(),
      finishedAt: new Date().toISOString(),
    };
  } finally {
    await rm(job.workDir, { recursive: true, force: true }).catch(() => undefined);
  }
  record(job.context, finished);
}

function record(context: OperationContext, run: TestRun): void {
  try {
    saveRun(context.db, "test", run);
    emitEvent(context, {
      projectId: run.projectId,
      type: run.status === "passed" ? "test.passed" : "test.failed",
      payload: { runId: run.id, status: run.status, counts: run.counts, durationMs: run.durationMs },
    });
  } catch (error) {
    log("warn", "could not record a test run", { error: error instanceof Error ? error.message : String(error) });
  }
}
