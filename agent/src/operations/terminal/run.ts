/**
 * terminal.run: one shell command in the project directory, with the
 * project's environment (the agent's tokens left out of it), in its own process
 * group with stdin closed. It runs only when every program in it is on the
 * allow-list the machine's owner configured (security/command-check.ts).
 * Not a sandbox: allowed programs run as the agent's OS user and can read
 * what that user can. Output goes out as batched `terminal.output`
 * events while it runs, then one `terminal.exit`; the answer carries the
 * exit and the output's last 64 KiB. A timeout, or the agent stopping, ends
 * the whole group (SIGTERM, then SIGKILL).
 */
import { realpath } from "node:fs/promises";
import {
  MAX_TERMINAL_RUNS,
  TERMINAL_EVENT_BUDGET_BYTES,
  TERMINAL_OUTPUT_TAIL_BYTES,
  type TerminalRunResult,
} from "@att/shared";
import { inheritedEnv, projectEnv } from "../../process/env.ts";
import { checkTerminalCommand, STEERING_VARIABLE, shellIsBashLike } from "../../security/command-check.ts";
import { AllowListUnreadable, loadAllowList } from "../../security/terminal-allow.ts";
import { emitEvent, type Operation, type OperationContext } from "../context.ts";
import { OperationError } from "../errors.ts";
import { trackRun } from "../runs/active.ts";
import { runBounded } from "../runs/bounded.ts";
import { TailBuffer } from "../runs/tail.ts";
import { OutputBatcher } from "./batcher.ts";

/** Run ids of the terminal commands running in this agent process. */
const running = new Set<string>();

export const terminalRun: Operation<"terminal.run"> = async (params, context) => {
  const project = await context.catalog.get(params.projectId);
  const root = await realpath(project.path);
  await checkAllowed(params.command, root, context);
  const runId = params.runId ?? crypto.randomUUID();
  // Checked and reserved with no await in between, so concurrent calls cannot both take the last slot.
  if (running.has(runId)) throw new OperationError("conflict", `terminal run ${runId} is already running`);
  if (running.size >= MAX_TERMINAL_RUNS) {
    throw new OperationError(
      "conflict",
      `at most ${MAX_TERMINAL_RUNS} terminal commands run at a time on this agent; wait for one to finish`,
      { limit: MAX_TERMINAL_RUNS },
    );
  }
  running.add(runId);
  try {
    const job: Job = { context, projectId: project.id, root, runId, command: params.command };
    // Tracked with the other runs, so an agent that stops ends the command too.
    return await tracked(`terminal:${runId}`, (signal) => execute(job, params.timeoutMs, signal));
  } finally {
    running.delete(runId);
  }
};

interface Job {
  context: OperationContext;
  projectId: string;
  root: string;
  runId: string;
  command: string;
}

async function execute(job: Job, timeoutMs: number, signal: AbortSignal): Promise<TerminalRunResult> {
  const { context, projectId, runId, command } = job;
  const tail = new TailBuffer(TERMINAL_OUTPUT_TAIL_BYTES);
  const batcher = new OutputBatcher((stream, text) =>
    emitEvent(context, { projectId, type: "terminal.output", payload: { runId, stream, text } }),
  );
  let streamed = 0;
  let overBudget = false;
  const outcome = await runBounded({
    argv: ["/bin/sh", "-c", command],
    cwd: job.root,
    env: await shellEnv(job.root),
    timeoutMs,
    signal,
    onData: (stream, chunk) => {
      tail.write(chunk);
      const room = TERMINAL_EVENT_BUDGET_BYTES - streamed;
      streamed += chunk.length;
      if (room > 0) batcher.write(stream, chunk.length <= room ? chunk : chunk.subarray(0, room));
      if (streamed > TERMINAL_EVENT_BUDGET_BYTES && !overBudget) {
        overBudget = true;
        const note = `\n[att: output beyond ${TERMINAL_EVENT_BUDGET_BYTES} bytes is not streamed; the result keeps its tail]\n`;
        batcher.write("stderr", Buffer.from(note));
      }
    },
  });
  batcher.end();
  if (outcome.spawnError !== null) {
    throw new OperationError("internal", `could not start /bin/sh: ${outcome.spawnError.message}`);
  }
  const exit = {
    runId,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    timedOut: outcome.timedOut,
    durationMs: outcome.durationMs,
  };
  emitEvent(context, { projectId, type: "terminal.exit", payload: exit });
  return { ...exit, command, output: tail.text(), truncated: tail.truncated };
}

const bashLike = shellIsBashLike();

async function checkAllowed(command: string, root: string, context: OperationContext): Promise<void> {
  const { stateDir, terminalAllow, server } = context.config;
  const list = await loadAllowList({ terminalAllow, stateDir, server }).catch((error: unknown) => {
    if (!(error instanceof AllowListUnreadable)) throw error;
    throw new OperationError(
      "precondition_failed",
      `the terminal is closed until the owner fixes it: ${error.message}`,
    );
  });
  await checkTerminalCommand({ command, root, list, stateDir, bashLike });
}

/**
 * The project's environment, except that its `.env` cannot steer the shell or
 * the loader (PATH, IFS, LD_PRELOAD, …): those keep the agent's own values;
 * CDPATH, ENV and BASH_ENV are dropped, and so are PATH entries that are not
 * absolute (they would find programs in the project).
 */
async function shellEnv(root: string): Promise<Record<string, string>> {
  const env = await projectEnv(root, {});
  const inherited = inheritedEnv();
  for (const name of Object.keys(env)) {
    if (!STEERING_VARIABLE.test(name)) continue;
    const own = inherited[name];
    if (own === undefined || ["CDPATH", "ENV", "BASH_ENV"].includes(name)) delete env[name];
    else env[name] = own;
  }
  if (env.PATH !== undefined) env.PATH = absoluteEntries(env.PATH);
  return env;
}

function absoluteEntries(searchPath: string): string {
  return searchPath
    .split(":")
    .filter((dir) => dir.startsWith("/"))
    .join(":");
}

/** `trackRun` for work with a result: settles with the work's own result or error. */
function tracked<T>(key: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    void trackRun(key, (signal) => work(signal).then(resolve, reject));
  });
}
