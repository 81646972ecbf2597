/** git.log: the newest commits of a ref (HEAD by default), optionally touching one path. */
import type { Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { readCommits } from "./commits.ts";
import { gitOr } from "./failure.ts";
import { jailedPathspecs } from "./paths.ts";
import { resolveCommit } from "./refs.ts";
import { openProjectRepo } from "./repo.ts";

export const gitLog: Operation<"git.log"> = async ({ projectId, ref, limit, path }, context) => {
  const { project, git } = await openProjectRepo(context, projectId);
  const pathspecs = path === undefined ? [] : await jailedPathspecs(project.path, [path]);
  const start = await resolveCommit(git, ref ?? "HEAD");
  if (start === null) {
    // A repository without commits has an empty history, not a broken one.
    if (ref === undefined) return { commits: [] };
    throw new OperationError("not_found", `no commit, branch or tag named '${ref}'`);
  }
  const commits = await gitOr("internal", "git log failed", () =>
    readCommits(git, [`--max-count=${limit}`, start, "--", ...pathspecs]),
  );
  return { commits };
};
