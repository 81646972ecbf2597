/**
 * Git plumbing for pull requests: every command runs without prompts, with a
 * timeout, and with a fallback identity when the repository has none.
 */
import { mkdtemp, realpath, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { execa } from "execa";
import { OperationError } from "../../errors.ts";

const GIT_TIMEOUT_MS = 120_000;
const FALLBACK_IDENTITY = { name: "ATT", email: "att@localhost" };

export interface GitResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs git in `cwd`; returns the result whatever the exit code. */
export async function gitRaw(cwd: string, args: readonly string[]): Promise<GitResult> {
  const result = await execa("git", args, {
    cwd,
    reject: false,
    timeout: GIT_TIMEOUT_MS,
    stdin: "ignore",
    env: { GIT_TERMINAL_PROMPT: "0", GIT_EDITOR: "true", GIT_MERGE_AUTOEDIT: "no" },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (result.timedOut) throw new OperationError("internal", `git ${args[0] ?? ""} timed out`);
  return { exitCode: result.exitCode ?? 1, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

/** Runs git in `cwd` and returns stdout; a non-zero exit is an internal error naming the command. */
export async function git(cwd: string, args: readonly string[]): Promise<string> {
  const result = await gitRaw(cwd, args);
  if (result.exitCode !== 0) {
    throw new OperationError("internal", `git ${args[0] ?? ""} failed: ${result.stderr || result.stdout}`);
  }
  return result.stdout;
}

/** `-c user.name=… -c user.email=…` for whichever of the two the repository (or the user) has not set. */
export async function identityArgs(cwd: string): Promise<string[]> {
  const args: string[] = [];
  for (const key of ["name", "email"] as const) {
    const set = await gitRaw(cwd, ["config", "--get", `user.${key}`]);
    if (set.exitCode !== 0 || set.stdout === "") args.push("-c", `user.${key}=${FALLBACK_IDENTITY[key]}`);
  }
  return args;
}

/** True when `dir` is the top of a git working tree (not merely somewhere inside one). */
export async function isRepositoryRoot(dir: string): Promise<boolean> {
  const result = await gitRaw(dir, ["rev-parse", "--show-toplevel"]).catch(() => null);
  if (result?.exitCode !== 0) return false;
  const [top, self] = await Promise.all([realpath(result.stdout), realpath(dir)]);
  return top === self;
}

/** The commit a local branch points to, or null when there is no such branch. */
export async function branchSha(cwd: string, branch: string): Promise<string | null> {
  const result = await gitRaw(cwd, ["rev-parse", "--verify", "--quiet", `refs/heads/${branch}^{commit}`]);
  return result.exitCode === 0 ? result.stdout : null;
}

/** The checked-out branch, or null on a detached HEAD. */
export async function currentBranch(cwd: string): Promise<string | null> {
  const result = await gitRaw(cwd, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
  return result.exitCode === 0 && result.stdout !== "" ? result.stdout : null;
}

/** main, else master, else the branch origin's HEAD points to. */
export async function defaultBranch(cwd: string): Promise<string | null> {
  for (const candidate of ["main", "master"]) if ((await branchSha(cwd, candidate)) !== null) return candidate;
  const originHead = await gitRaw(cwd, ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"]);
  if (originHead.exitCode !== 0) return null;
  const name = originHead.stdout.replace(/^origin\//, "");
  return name === "" ? null : name;
}

/** The working tree (main or linked) that has `branch` checked out, if any. */
export async function worktreeOf(cwd: string, branch: string): Promise<string | null> {
  const listing = await git(cwd, ["worktree", "list", "--porcelain"]);
  let current: string | null = null;
  for (const line of listing.split("\n")) {
    if (line.startsWith("worktree ")) current = line.slice("worktree ".length);
    else if (line === `branch refs/heads/${branch}`) return current;
  }
  return null;
}

/** Runs `work` in a detached worktree at `commit` in a temp directory, removed (and pruned) afterwards. */
export async function withTempWorktree<T>(repo: string, commit: string, work: (dir: string) => Promise<T>): Promise<T> {
  const parent = await mkdtemp(path.join(os.tmpdir(), "att-worktree-"));
  const dir = path.join(parent, "tree");
  try {
    await git(repo, ["worktree", "add", "--detach", dir, commit]);
    return await work(dir);
  } finally {
    await gitRaw(repo, ["worktree", "remove", "--force", dir]).catch(() => undefined);
    await rm(parent, { recursive: true, force: true });
    await gitRaw(repo, ["worktree", "prune"]).catch(() => undefined);
  }
}
