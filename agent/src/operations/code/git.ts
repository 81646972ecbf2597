/**
 * Bounded git invocations for the code operations: a timeout, an output cap,
 * no prompts, no optional locks, literal pathspecs and no repository hooks
 * that could run programs on a read (fsmonitor, external diff, textconv).
 */
import { realpath } from "node:fs/promises";
import { execa } from "execa";
import { OperationError } from "../errors.ts";

const GIT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

export interface GitResult {
  stdout: Buffer;
  exitCode: number;
  /** The output hit `maxBytes` and was cut there (the process was stopped). */
  truncated: boolean;
}

export interface GitOptions {
  /** Exit codes that are answers rather than failures (git grep: 1 = no match). */
  okExitCodes?: number[];
  maxBytes?: number;
  input?: string;
}

/** Runs git in `cwd`; a failure (other than an allowed exit code) throws `internal` with git's message. */
export async function runGit(cwd: string, args: string[], options: GitOptions = {}): Promise<GitResult> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const result = await execa(
    "git",
    ["--literal-pathspecs", "-c", "core.fsmonitor=false", "-c", "core.quotePath=false", ...args],
    {
      cwd,
      reject: false,
      timeout: GIT_TIMEOUT_MS,
      maxBuffer: maxBytes,
      encoding: "buffer",
      stripFinalNewline: false,
      env: { GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", LC_ALL: "C" },
      ...(options.input === undefined ? { stdin: "ignore" as const } : { input: options.input }),
    },
  );
  const stdout = Buffer.from(result.stdout);
  if (result.isMaxBuffer) return { stdout, exitCode: 0, truncated: true };
  const exitCode = result.exitCode ?? -1;
  if (exitCode === 0 || options.okExitCodes?.includes(exitCode)) return { stdout, exitCode, truncated: false };
  const reason = result.timedOut
    ? `timed out after ${GIT_TIMEOUT_MS / 1000}s`
    : Buffer.from(result.stderr).toString("utf8").trim().split("\n")[0] || `exit code ${exitCode}`;
  throw new OperationError("internal", `git ${args[0] ?? ""} failed: ${reason}`);
}

/** True when `root` (a realpath) is the top of a git work tree, not merely inside one. */
export async function isGitRoot(root: string): Promise<boolean> {
  const result = await runGit(root, ["rev-parse", "--show-toplevel"], { okExitCodes: [128] }).catch(() => null);
  if (result === null || result.exitCode !== 0) return false;
  const top = result.stdout.toString("utf8").trim();
  return top !== "" && (await realpath(top).catch(() => "")) === root;
}

/** Splits NUL-terminated git output (`-z`) into its fields. */
export function splitNul(output: Buffer): string[] {
  const fields = output.toString("utf8").split("\0");
  if (fields.at(-1) === "") fields.pop();
  return fields;
}
