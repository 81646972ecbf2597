/**
 * Local CI: runs a project's test command on a pull request's head commit in
 * a temporary worktree, in the background, one run at a time per project,
 * and reports it through the run record and test.* events.
 */
import { existsSync } from "node:fs";
import { symlink } from "node:fs/promises";
import path from "node:path";
import type { WorkflowRun } from "@att/shared";
import { log } from "../../../../log.ts";
import { emitEvent, type OperationContext } from "../../../context.ts";
import { withTempWorktree } from "../git.ts";
import { MAX_LOG_BYTES } from "../provider.ts";
import type { CiPlan } from "./ci-plan.ts";
import { runBounded } from "./process.ts";
import type { LocalStore, RunPatch } from "./store.ts";
import { TailBuffer } from "./tail.ts";

/** Untracked dependency folders a fresh worktree lacks; linked in so the tests can import them. */
const DEPENDENCY_DIRS = ["node_modules", ".venv"];

interface ActiveRun {
  output: TailBuffer;
  abort: AbortController;
  done: Promise<void>;
}

const active = new Map<string, ActiveRun>();
const queues = new Map<string, Promise<void>>();

export interface CiJob {
  context: OperationContext;
  store: LocalStore;
  repo: string;
  projectId: string;
  prNumber: number;
  run: WorkflowRun;
  plan: CiPlan;
}

/** Starts the job in the background (after earlier runs of the same project) and returns at once. */
export function startCiRun(job: CiJob): void {
  const output = new TailBuffer(MAX_LOG_BYTES);
  const abort = new AbortController();
  const previous = queues.get(job.projectId) ?? Promise.resolve();
  const done = previous.then(() => execute(job, output, abort.signal)).finally(() => active.delete(job.run.id));
  const tail = done.catch(() => undefined);
  queues.set(job.projectId, tail);
  void tail.then(() => {
    if (queues.get(job.projectId) === tail) queues.delete(job.projectId);
  });
  active.set(job.run.id, { output, abort, done });
}

/** The output so far of a run this process is executing, or null. */
export function liveLog(runId: string): { log: string; truncated: boolean } | null {
  const run = active.get(runId);
  return run === undefined ? null : { log: run.output.text(), truncated: run.output.truncated };
}

/** Cancels every run in progress and waits until each has recorded its end (agent shutdown, tests). */
export async function stopLocalCi(): Promise<void> {
  const runs = [...active.values()];
  for (const run of runs) run.abort.abort();
  await Promise.allSettled(runs.map((run) => run.done));
}

async function execute(job: CiJob, output: TailBuffer, signal: AbortSignal): Promise<void> {
  const { run } = job;
  if (signal.aborted) return finish(job, output, { conclusion: "cancelled", exitCode: null });
  safely(() => job.store.updateRun(run.id, { status: "in_progress" }));
  safely(() =>
    emitEvent(job.context, {
      projectId: job.projectId,
      type: "test.run",
      payload: { pr: job.prNumber, runId: run.id, command: job.plan.name, headSha: run.headSha },
    }),
  );
  const { plan } = job;
  if (plan.kind === "invalid" || run.headSha === null) {
    output.write(`[att] ${plan.kind === "invalid" ? plan.reason : "the pull request has no head commit"}\n`);
    return finish(job, output, { conclusion: "failure", exitCode: null });
  }
  output.write(`$ ${plan.argv.join(" ")}\n`);
  try {
    const outcome = await withTempWorktree(job.repo, run.headSha, async (dir) => {
      await linkDependencies(job.repo, dir);
      return runBounded({ argv: plan.argv, cwd: dir, timeoutMs: plan.timeoutMs, signal, output });
    });
    if (outcome.timedOut) output.write(`\n[att] timed out after ${plan.timeoutMs / 1000} s\n`);
    const conclusion = outcome.cancelled
      ? "cancelled"
      : outcome.timedOut
        ? "timed_out"
        : outcome.exitCode === 0
          ? "success"
          : "failure";
    return finish(job, output, { conclusion, exitCode: outcome.exitCode });
  } catch (error) {
    output.write(`\n[att] ${error instanceof Error ? error.message : String(error)}\n`);
    return finish(job, output, { conclusion: "failure", exitCode: null });
  }
}

function finish(
  job: CiJob,
  output: TailBuffer,
  end: { conclusion: NonNullable<RunPatch["conclusion"]>; exitCode: number | null },
): void {
  safely(() =>
    job.store.updateRun(job.run.id, {
      status: "completed",
      conclusion: end.conclusion,
      exitCode: end.exitCode,
      log: output.text(),
      truncated: output.truncated,
    }),
  );
  safely(() =>
    emitEvent(job.context, {
      projectId: job.projectId,
      type: end.conclusion === "success" ? "test.passed" : "test.failed",
      payload: { pr: job.prNumber, runId: job.run.id, exitCode: end.exitCode, conclusion: end.conclusion },
    }),
  );
}

async function linkDependencies(repo: string, worktree: string): Promise<void> {
  for (const name of DEPENDENCY_DIRS) {
    const source = path.join(repo, name);
    const target = path.join(worktree, name);
    if (existsSync(source) && !existsSync(target)) await symlink(source, target, "dir");
  }
}

/** Background work has no caller to throw to: a failed record is logged, never an unhandled rejection. */
function safely(write: () => unknown): void {
  try {
    write();
  } catch (error) {
    log("warn", "could not record a CI run", { error: error instanceof Error ? error.message : String(error) });
  }
}
