/**
 * git.push: pushes one local branch, retrying network failures with
 * exponential backoff. Authentication failures and rejections are final at
 * once: retrying cannot fix them. Remote URLs are reported without credentials.
 */
import type { SimpleGit } from "simple-git";
import { backoffDelay } from "../../link/backoff.ts";
import type { Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { gitMessage, redactUrl } from "./failure.ts";
import { currentBranch, localBranchExists } from "./refs.ts";
import { NETWORK_TIMEOUT_MS, openProjectRepo } from "./repo.ts";

export interface PushRetry {
  /** Total tries, the first included. */
  attempts: number;
  baseMs: number;
  maxMs: number;
}

export type PushFailure = "auth" | "rejected" | "network" | "other";

const AUTH =
  /Authentication failed|Permission denied \(publickey|could not read (Username|Password)|terminal prompts disabled|returned error: 40[13]|HTTP 40[13]|Invalid username or password/i;
const REJECTED = /\[rejected\]|non-fast-forward|fetch first|Updates were rejected/i;
const NETWORK =
  /Could not resolve host|Connection refused|Connection timed out|timed out|unable to access|early EOF|Connection reset|remote end hung up|Failed to connect|Could not read from remote repository|block timeout reached/i;

/** What kind of failure git's message describes; order matters (auth errors also say "unable to access"). */
export function classifyPushFailure(message: string): PushFailure {
  if (AUTH.test(message)) return "auth";
  if (REJECTED.test(message)) return "rejected";
  if (NETWORK.test(message)) return "network";
  return "other";
}

/** The push operation; its retry policy comes from the agent's config unless a test passes one. */
export function pushOperation(policy?: PushRetry): Operation<"git.push"> {
  return async ({ projectId, remote, branch, setUpstream }, context) => {
    const retry = policy ?? {
      attempts: context.config.gitPushAttempts,
      baseMs: context.config.gitPushBackoffMs,
      maxMs: context.config.gitPushBackoffMs * 8,
    };
    const { git, with: withOptions } = await openProjectRepo(context, projectId);
    const url = await remoteUrl(git, remote);
    const name = branch ?? (await currentBranch(git));
    if (name === null) throw new OperationError("precondition_failed", "HEAD is detached: name the branch to push");
    if (!(await localBranchExists(git, name))) throw new OperationError("not_found", `no local branch named '${name}'`);

    const pushing = withOptions({ timeoutMs: NETWORK_TIMEOUT_MS });
    const args = ["push", ...(setUpstream ? ["--set-upstream"] : []), remote, `refs/heads/${name}:refs/heads/${name}`];
    const where = `remote '${remote}' (${redactUrl(url)})`;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await pushing.raw(args);
        return { remote, branch: name, attempts: attempt };
      } catch (error) {
        const message = gitMessage(error);
        const kind = classifyPushFailure(message);
        if (kind === "auth") {
          throw new OperationError("upstream_error", `authentication failed for ${where}: ${message}`, {
            attempts: attempt,
          });
        }
        if (kind === "rejected") {
          throw new OperationError("conflict", `push to ${where} was rejected: ${message}`, {
            hint: `the remote has commits this branch lacks: pull (fetch and merge or rebase ${remote}/${name}) first, then push again`,
          });
        }
        if (kind === "other" || attempt >= retry.attempts) {
          const tries = attempt === 1 ? "" : ` after ${attempt} attempts`;
          throw new OperationError("upstream_error", `push to ${where} failed${tries}: ${message}`, {
            attempts: attempt,
          });
        }
        await sleep(backoffDelay(attempt - 1, { baseMs: retry.baseMs, maxMs: retry.maxMs }));
      }
    }
  };
}

async function remoteUrl(git: SimpleGit, remote: string): Promise<string> {
  try {
    return (await git.raw(["remote", "get-url", "--push", remote])).trim();
  } catch {
    const known = (await git.raw(["remote"])).split("\n").filter((r) => r !== "");
    const list = known.length === 0 ? "none is configured" : `known: ${known.join(", ")}`;
    throw new OperationError("not_found", `no remote named '${remote}' (${list})`);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
