/** git.add: stage paths inside the project (deletions too); ['.'] stages everything. */
import type { SimpleGit } from "simple-git";
import type { Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { gitMessage } from "./failure.ts";
import { jailedPathspecs } from "./paths.ts";
import { openProjectRepo } from "./repo.ts";

export const gitAdd: Operation<"git.add"> = async ({ projectId, paths }, context) => {
  const { project, git } = await openProjectRepo(context, projectId);
  const pathspecs = await jailedPathspecs(project.path, paths);
  await stage(git, pathspecs);
  return { staged: await stagedPaths(git, pathspecs) };
};

/** `git add --all` for the pathspecs: new, changed and deleted files alike. */
export async function stage(git: SimpleGit, pathspecs: readonly string[]): Promise<void> {
  try {
    await git.raw(["add", "--all", "--", ...pathspecs]);
  } catch (error) {
    const message = gitMessage(error);
    if (/did not match any files/.test(message)) throw new OperationError("not_found", message);
    if (/ignored by one of your \.gitignore/.test(message)) {
      throw new OperationError("conflict", `${message} (remove the path from .gitignore to stage it)`);
    }
    throw new OperationError("internal", `git add failed: ${message}`);
  }
}

/** What the index holds that differs from HEAD (or from nothing, before the first commit). */
export async function stagedPaths(git: SimpleGit, pathspecs: readonly string[] = []): Promise<string[]> {
  const output = await git.raw(["diff", "--cached", "--name-only", "-z", "--no-renames", "--", ...pathspecs]);
  return output.split("\0").filter((p) => p !== "");
}
