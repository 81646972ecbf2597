/**
 * Takes a change that would not run back out of the branch: a revert commit
 * made in a temporary worktree on the branch's tip (`-m 1` for a merge), then
 * the branch moves to it the way a local merge moves it (fast-forward in the
 * clean tree that has it checked out, or a compare-and-swap ref update).
 */
import { branchSha, git, gitRaw, identityArgs, withTempWorktree, worktreeOf } from "../operations/git/pr/git.ts";

export async function revertOnBranch(options: {
  repo: string;
  branch: string;
  sha: string;
  /** Why, for the commit message (first line only). */
  reason: string;
}): Promise<string> {
  const { repo, branch, sha } = options;
  const tip = await branchSha(repo, branch);
  if (tip === null) throw new Error(`branch '${branch}' does not exist`);
  const checkedOut = await worktreeOf(repo, branch);
  if (checkedOut !== null) {
    const status = await git(checkedOut, ["status", "--porcelain", "--untracked-files=no"]);
    if (status !== "") throw new Error(`'${branch}' is checked out in ${checkedOut} with uncommitted changes`);
  }
  const parents = (await git(repo, ["rev-list", "--parents", "-n", "1", sha])).split(" ").length - 1;
  const subject = await git(repo, ["log", "-1", "--format=%s", sha]);
  const identity = await identityArgs(repo);
  const message =
    `Revert "${subject}"\n\nThis reverts commit ${sha}: ATT's launcher could not run it ` +
    `(${options.reason.split("\n")[0] ?? "unhealthy"}).\n`;
  const revertSha = await withTempWorktree(repo, tip, async (dir) => {
    const undone = await gitRaw(dir, [...identity, "revert", "--no-commit", ...(parents > 1 ? ["-m", "1"] : []), sha]);
    if (undone.exitCode !== 0) {
      await gitRaw(dir, ["revert", "--abort"]);
      throw new Error(`git revert failed: ${(undone.stderr || undone.stdout).split("\n")[0] ?? ""}`);
    }
    const committed = await gitRaw(dir, [...identity, "commit", "--no-verify", "-q", "-m", message]);
    if (committed.exitCode !== 0) throw new Error(`nothing to revert: ${committed.stdout || committed.stderr}`);
    return git(dir, ["rev-parse", "HEAD"]);
  });
  if (checkedOut !== null) {
    const ff = await gitRaw(checkedOut, [...identity, "merge", "--ff-only", "--quiet", revertSha]);
    if (ff.exitCode !== 0) throw new Error(`could not move '${branch}' in ${checkedOut}: ${ff.stderr}`);
  } else {
    const moved = await gitRaw(repo, ["update-ref", `refs/heads/${branch}`, revertSha, tip]);
    if (moved.exitCode !== 0) throw new Error(`'${branch}' moved during the revert`);
  }
  return revertSha;
}
