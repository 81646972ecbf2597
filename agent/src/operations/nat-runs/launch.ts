/**
 * A NAT command (`nat run`, `nat eval`) as a recorded run: finds `nat` and
 * the config, records the run, announces it (`nat.run`), runs it as a
 * bounded process group in the project root with the project's environment,
 * and records and announces the end (`nat.completed`).
 */
import { existsSync } from "node:fs";
import { realpath, stat } from "node:fs/promises";
import { NatRunRecord, type Project } from "@att/shared";
import { log } from "../../log.ts";
import { projectEnv } from "../../process/env.ts";
import { resolveProjectTool } from "../../process/python-tools.ts";
import { emitEvent, type OperationContext } from "../context.ts";
import { OperationError } from "../errors.ts";
import { jailPath } from "../jail.ts";
import { NAT_INSTALL_HINT } from "../projects/nat-cli.ts";
import { trackRun } from "../runs/active.ts";
import { stripAnsi } from "../runs/ansi.ts";
import { type BoundedOutcome, runBounded } from "../runs/bounded.ts";
import { isExecutable } from "../runs/executable.ts";
import { getRun, saveRun } from "../runs/store.ts";
import { TailBuffer } from "../runs/tail.ts";

const OUTPUT_TAIL_BYTES = 16 * 1024;
/** Raw output kept for finding the workflow result, which may be long. */
const RAW_OUTPUT_BYTES = 2 * 1024 * 1024;

export interface NatTarget {
  project: Project;
  /** Realpath of the project root. */
  root: string;
  /** The config, relative to the root. */
  configPath: string;
  nat: string;
  env: Record<string, string>;
}

/** The project, its config and `nat`; precondition_failed when either is missing. */
export async function natTarget(
  context: OperationContext,
  request: { projectId: string; configPath?: string | undefined; env: Record<string, string> },
): Promise<NatTarget> {
  const project = await context.catalog.get(request.projectId);
  const root = await realpath(project.path);
  const requested = request.configPath ?? project.natConfigPath;
  if (requested === null) {
    throw new OperationError(
      "precondition_failed",
      "the project has no NAT config (configs/config.yml); pass configPath",
    );
  }
  const config = await jailPath(root, requested);
  const stats = await stat(config.absolute).catch(() => null);
  if (stats?.isFile() !== true) {
    throw new OperationError("precondition_failed", `the NAT config '${requested}' does not exist`, {
      configPath: requested,
    });
  }
  const env = await projectEnv(root, request.env);
  const nat = (await resolveProjectTool(root, "nat", context.config.natCommand)).command;
  if (!(await isExecutable(nat, env))) {
    throw new OperationError("precondition_failed", `cannot run '${nat}': ${NAT_INSTALL_HINT}`, { command: nat });
  }
  return { project, root, configPath: config.relative, nat, env };
}

/** A file inside the project that must exist (e.g. an eval dataset); its absolute path. */
export async function existingProjectFile(root: string, relative: string): Promise<string> {
  const jailed = await jailPath(root, relative);
  if (!existsSync(jailed.absolute))
    throw new OperationError("not_found", `'${relative}' does not exist in the project`);
  return jailed.absolute;
}

export interface NatCommand {
  id: string;
  kind: NatRunRecord["kind"];
  target: NatTarget;
  argv: [string, ...string[]];
  input: string | null;
  timeoutSeconds: number;
  /** The kind's own reading of a finished run (the workflow result, the eval folder). */
  conclude: (ended: Ended) => Promise<Partial<NatRunRecord>>;
}

export interface Ended {
  outcome: BoundedOutcome;
  /** Output lines as NAT wrote them (colours included), the most recent ones. */
  rawLines: string[];
  status: NatRunRecord["status"];
}

/** Runs the command to its end and returns the recorded run. */
export async function runNatCommand(context: OperationContext, command: NatCommand): Promise<NatRunRecord> {
  const { target } = command;
  const running: NatRunRecord = {
    id: command.id,
    projectId: target.project.id,
    kind: command.kind,
    status: "running",
    command: command.argv,
    configPath: target.configPath,
    input: command.input,
    result: null,
    exitCode: null,
    durationMs: null,
    outputTail: "",
    reason: null,
    eval: null,
    startedAt: new Date().toISOString(),
    finishedAt: null,
  };
  const table = command.kind === "run" ? "nat.run" : "nat.eval";
  saveRun(context.db, table, running);
  emitEvent(context, {
    projectId: target.project.id,
    type: "nat.run",
    payload: { runId: command.id, kind: command.kind, command: command.argv },
  });
  await trackRun(command.id, async (signal) => {
    const finished = await execute(command, running, signal);
    try {
      saveRun(context.db, table, finished);
      emitEvent(context, {
        projectId: target.project.id,
        type: "nat.completed",
        payload: { runId: command.id, kind: command.kind, status: finished.status },
      });
    } catch (error) {
      log("warn", "could not record a NAT run", { error: error instanceof Error ? error.message : String(error) });
    }
  });
  return getRun(context.db, { projectId: target.project.id, kinds: [table], schema: NatRunRecord, id: command.id });
}

async function execute(command: NatCommand, running: NatRunRecord, signal: AbortSignal): Promise<NatRunRecord> {
  const tail = new TailBuffer(OUTPUT_TAIL_BYTES);
  const raw = new TailBuffer(RAW_OUTPUT_BYTES);
  try {
    const outcome = await runBounded({
      argv: command.argv,
      cwd: command.target.root,
      env: command.target.env,
      timeoutMs: command.timeoutSeconds * 1000,
      signal,
      onLine: (_stream, line) => {
        raw.write(`${line}\n`);
        tail.write(`${stripAnsi(line)}\n`);
      },
    });
    const outputTail = tail.text();
    const verdict = judge(command, outcome, outputTail);
    const rawLines = raw
      .text()
      .split("\n")
      .slice(raw.truncated ? 1 : 0, -1);
    const own = await command.conclude({ outcome, rawLines, status: verdict.status });
    return {
      ...running,
      ...verdict,
      exitCode: outcome.exitCode,
      durationMs: outcome.durationMs,
      outputTail,
      ...own,
      finishedAt: new Date().toISOString(),
    };
  } catch (error) {
    return {
      ...running,
      status: "error",
      reason: `ATT could not finish the run: ${error instanceof Error ? error.message : String(error)}`,
      outputTail: tail.text(),
      finishedAt: new Date().toISOString(),
    };
  }
}

function judge(
  command: NatCommand,
  outcome: BoundedOutcome,
  tail: string,
): { status: NatRunRecord["status"]; reason: string | null } {
  if (outcome.spawnError !== null) {
    return { status: "error", reason: `cannot run ${command.argv[0]}: ${outcome.spawnError.message}` };
  }
  if (outcome.timedOut) {
    return {
      status: "timed_out",
      reason: `still running after ${command.timeoutSeconds} s; its whole process group was ended`,
    };
  }
  if (outcome.cancelled) return { status: "error", reason: "cancelled: the agent is stopping" };
  if (outcome.exitCode === 0) return { status: "passed", reason: null };
  if (/No such command 'eval'/.test(tail)) {
    return { status: "error", reason: "this NAT has no `nat eval`: pip install nvidia-nat-eval" };
  }
  return { status: "failed", reason: lastError(tail) };
}

/** NAT ends a failure with the exception line; else the last line it wrote. */
function lastError(tail: string): string {
  const lines = tail
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const error = lines.findLast((line) => /^\w*(Error|Exception)\b|error/i.test(line));
  return (error ?? lines.at(-1) ?? "no output").slice(0, 2000);
}
