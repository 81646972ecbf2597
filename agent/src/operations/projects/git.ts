/** The few git commands project creation needs, bounded and never prompting. */
import { execa } from "execa";
import { OperationError } from "../errors.ts";

/** Git never asks for a password or a host key: a prompt would hang the agent. */
export const NON_INTERACTIVE_GIT_ENV: NodeJS.ProcessEnv = {
  GIT_TERMINAL_PROMPT: "0",
  GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? "ssh -o BatchMode=yes",
};

export interface GitResult {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

export async function git(
  args: readonly string[],
  options: { cwd: string; timeoutMs?: number; env?: NodeJS.ProcessEnv },
): Promise<GitResult> {
  const result = await execa("git", args, {
    cwd: options.cwd,
    env: { ...NON_INTERACTIVE_GIT_ENV, ...options.env },
    reject: false,
    timeout: options.timeoutMs ?? 30_000,
    maxBuffer: 1024 * 1024,
    stdin: "ignore",
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}

export async function gitOrFail(args: readonly string[], cwd: string): Promise<string> {
  const result = await git(args, { cwd });
  if (result.exitCode !== 0) {
    throw new OperationError("internal", `git ${args[0] ?? ""} failed: ${result.stderr.trim().slice(0, 500)}`);
  }
  return result.stdout;
}

/**
 * `git init -b main` and one commit of everything in `dir`. The user's own
 * identity is used when git has one; otherwise the commit is signed "ATT".
 */
export async function initRepository(dir: string, message: string): Promise<void> {
  await gitOrFail(["init", "--quiet", "-b", "main"], dir);
  await gitOrFail(["add", "--all"], dir);
  const identity: string[] = [];
  for (const [key, fallback] of [
    ["user.name", "ATT"],
    ["user.email", "att@localhost"],
  ] as const) {
    const configured = await git(["config", key], { cwd: dir });
    if (configured.stdout.trim() === "") identity.push("-c", `${key}=${fallback}`);
  }
  await gitOrFail(
    [...identity, "-c", "commit.gpgsign=false", "commit", "--quiet", "--no-verify", "--allow-empty", "-m", message],
    dir,
  );
}
