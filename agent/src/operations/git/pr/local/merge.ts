/**
 * Merges a pull request's head into its base for real. The merge is made in a
 * temporary worktree, so a conflict never leaves anything half-merged; the
 * base branch then moves to the result: fast-forwarded in the working tree
 * that has it checked out (which must be clean), or by a compare-and-swap
 * ref update when no tree has it.
 */
import { OperationError } from "../../../errors.ts";
import { branchSha, git, gitRaw, identityArgs, withTempWorktree, worktreeOf } from "../git.ts";

export type MergeMethod = "merge" | "squash" | "rebase";

export interface MergeRequest {
  repo: string;
  head: string;
  base: string;
  method: MergeMethod;
  message: string;
}

export async function mergeBranches(request: MergeRequest): Promise<{ headSha: string; mergeCommit: string }> {
  const { repo, head, base } = request;
  const headSha = await branchSha(repo, head);
  if (headSha === null) throw new OperationError("not_found", `branch '${head}' does not exist`);
  const baseSha = await branchSha(repo, base);
  if (baseSha === null) throw new OperationError("not_found", `branch '${base}' does not exist`);
  if ((await gitRaw(repo, ["merge-base", "--is-ancestor", headSha, baseSha])).exitCode === 0) {
    throw new OperationError("conflict", `'${base}' already contains every commit of '${head}': nothing to merge`);
  }
  const checkedOut = await worktreeOf(repo, base);
  if (checkedOut !== null) await requireClean(checkedOut, base);
  const identity = await identityArgs(repo);
  const mergeCommit = await withTempWorktree(repo, baseSha, (dir) =>
    combine({ dir, identity, headSha, baseSha, method: request.method, message: request.message }),
  );
  if (checkedOut !== null) {
    const ff = await gitRaw(checkedOut, [...identity, "merge", "--ff-only", "--quiet", mergeCommit]);
    if (ff.exitCode !== 0)
      throw new OperationError("conflict", `could not update '${base}' in ${checkedOut}: ${ff.stderr}`);
  } else {
    const moved = await gitRaw(repo, ["update-ref", `refs/heads/${base}`, mergeCommit, baseSha]);
    if (moved.exitCode !== 0) throw new OperationError("conflict", `'${base}' moved during the merge; try again`);
  }
  return { headSha, mergeCommit };
}

async function requireClean(tree: string, base: string): Promise<void> {
  const status = await git(tree, ["status", "--porcelain", "--untracked-files=no"]);
  if (status !== "") {
    throw new OperationError(
      "conflict",
      `'${base}' is checked out in ${tree} with uncommitted changes; commit or discard them first`,
      { files: status.split("\n").map((line) => line.slice(3)) },
    );
  }
}

/** Makes the combined commit inside the temp worktree (detached at base) and returns it. */
async function combine(options: {
  dir: string;
  identity: string[];
  headSha: string;
  baseSha: string;
  method: MergeMethod;
  message: string;
}): Promise<string> {
  const { dir, identity, message } = options;
  const run = (args: string[]) => gitRaw(dir, [...identity, ...args]);
  if (options.method === "merge") {
    const merged = await run(["merge", "--no-ff", "--no-edit", "-m", message, options.headSha]);
    if (merged.exitCode !== 0) await refuse(dir, ["merge", "--abort"], merged.stdout || merged.stderr);
  } else if (options.method === "squash") {
    const squashed = await run(["merge", "--squash", options.headSha]);
    if (squashed.exitCode !== 0) await refuse(dir, ["reset", "--merge"], squashed.stdout || squashed.stderr);
    const committed = await run(["commit", "--no-verify", "-m", message]);
    if (committed.exitCode !== 0) {
      throw new OperationError("conflict", `nothing to squash: ${committed.stdout || committed.stderr}`);
    }
  } else {
    await git(dir, ["checkout", "--quiet", "--detach", options.headSha]);
    const rebased = await run(["rebase", "--quiet", options.baseSha]);
    if (rebased.exitCode !== 0) await refuse(dir, ["rebase", "--abort"], rebased.stdout || rebased.stderr);
  }
  return git(dir, ["rev-parse", "HEAD"]);
}

/** Names the conflicting files, undoes the attempt, and throws `conflict`. */
async function refuse(dir: string, undo: string[], output: string): Promise<never> {
  const unmerged = await gitRaw(dir, ["diff", "--name-only", "--diff-filter=U"]);
  const files = unmerged.stdout === "" ? [] : unmerged.stdout.split("\n");
  await gitRaw(dir, undo);
  const reason = files.length > 0 ? `conflicts in ${files.join(", ")}` : (output.split("\n")[0] ?? "git refused");
  throw new OperationError("conflict", `the pull request does not merge cleanly: ${reason}`, { files });
}
