/**
 * git.commit: records the index (after staging `paths` or every tracked change
 * when asked) and reports a `git.commit` event. Identity comes from the params,
 * else the repository/user config, else a per-command fallback, so a fresh
 * machine can commit without anyone writing global config.
 */
import type { SimpleGit } from "simple-git";
import { emitEvent, type Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { stage, stagedPaths } from "./add.ts";
import { readCommits } from "./commits.ts";
import { gitOr, succeeds } from "./failure.ts";
import { jailedPathspecs } from "./paths.ts";
import { currentBranch } from "./refs.ts";
import { openProjectRepo } from "./repo.ts";

export const FALLBACK_IDENTITY = { name: "ATT Agent", email: "att@localhost" } as const;

export const gitCommit: Operation<"git.commit"> = async (params, context) => {
  const { projectId, message, all, paths, author } = params;
  if (message.trim() === "") throw new OperationError("bad_request", "commit message is empty");
  const { project, git, with: withOptions } = await openProjectRepo(context, projectId);

  if (paths !== undefined && paths.length > 0) await stage(git, await jailedPathspecs(project.path, paths));
  if (all) await gitOr("internal", "staging tracked changes failed", () => git.raw(["add", "--update", "--", "."]));
  const files = await stagedPaths(git);
  if (files.length === 0) {
    throw new OperationError("conflict", "nothing to commit", {
      hint: "stage changes with git.add first, or pass `all: true` (tracked changes) or `paths`",
    });
  }

  const committer = (await configuredIdentity(git)) ? {} : { config: identityConfig(FALLBACK_IDENTITY) };
  const authorEnv: Record<string, string> =
    author === undefined ? {} : { GIT_AUTHOR_NAME: author.name, GIT_AUTHOR_EMAIL: author.email };
  const committing = withOptions({ ...committer, env: authorEnv });
  await gitOr("conflict", "git commit failed", () => committing.raw(["commit", "--quiet", "-m", message]));

  const [commit] = await readCommits(git, ["--max-count=1", "HEAD"]);
  if (commit === undefined) throw new OperationError("internal", "the new commit cannot be read back");
  const branch = await currentBranch(git);
  emitEvent(context, {
    projectId,
    type: "git.commit",
    payload: { sha: commit.sha, branch, message: commit.message, files },
  });
  return { commit, branch };
};

/** Whether git config (repository, user or system) names both user.name and user.email. */
async function configuredIdentity(git: SimpleGit): Promise<boolean> {
  const has = (key: string) => succeeds(() => git.raw(["config", "--get", key]));
  return (await has("user.name")) && (await has("user.email"));
}

function identityConfig(identity: { name: string; email: string }): string[] {
  return [`user.name=${identity.name}`, `user.email=${identity.email}`];
}
