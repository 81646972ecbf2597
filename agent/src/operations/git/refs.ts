/** Small questions about refs that several git operations ask. */
import type { SimpleGit } from "simple-git";
import { succeeds } from "./failure.ts";

/** The checked-out branch (also when it has no commits yet); null on a detached HEAD. */
export async function currentBranch(git: SimpleGit): Promise<string | null> {
  try {
    const name = (await git.raw(["symbolic-ref", "--quiet", "--short", "HEAD"])).trim();
    return name === "" ? null : name;
  } catch {
    return null;
  }
}

/** The commit `ref` names, or null when it names none. */
export async function resolveCommit(git: SimpleGit, ref: string): Promise<string | null> {
  try {
    const sha = (await git.raw(["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`])).trim();
    return sha === "" ? null : sha;
  } catch {
    return null;
  }
}

/** False in a freshly initialised repository. */
export async function hasCommits(git: SimpleGit): Promise<boolean> {
  return (await resolveCommit(git, "HEAD")) !== null;
}

export async function localBranchExists(git: SimpleGit, name: string): Promise<boolean> {
  return succeeds(() => git.raw(["show-ref", "--verify", "--quiet", `refs/heads/${name}`]));
}
