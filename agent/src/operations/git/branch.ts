/** git.branch.list / create / switch: local branches only; names may contain '/'. */
import type { MethodResult } from "@att/shared";
import type { SimpleGit } from "simple-git";
import type { Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { gitMessage } from "./failure.ts";
import { currentBranch, hasCommits, localBranchExists, resolveCommit } from "./refs.ts";
import { openProjectRepo } from "./repo.ts";

type Branch = MethodResult<"git.branch.list">["branches"][number];

export const gitBranchList: Operation<"git.branch.list"> = async ({ projectId }, context) => {
  const { git } = await openProjectRepo(context, projectId);
  return { current: await currentBranch(git), branches: await listBranches(git) };
};

export const gitBranchCreate: Operation<"git.branch.create"> = async (params, context) => {
  const { projectId, name, from, switch: switchTo } = params;
  const { git } = await openProjectRepo(context, projectId);
  if (await localBranchExists(git, name)) throw new OperationError("conflict", `branch '${name}' already exists`);
  if (from === undefined && !(await hasCommits(git))) {
    throw new OperationError("precondition_failed", "the repository has no commits yet: commit once, then branch");
  }
  const start = await resolveCommit(git, from ?? "HEAD");
  if (start === null) throw new OperationError("not_found", `no commit, branch or tag named '${from}'`);
  // `switch -c` creates nothing when the checkout would fail, so a refused switch leaves no stray branch.
  const args = switchTo ? ["switch", "--create", name, start] : ["branch", "--", name, start];
  await runBranchCommand(git, args);
  return { branch: await describeBranch(git, name) };
};

export const gitBranchSwitch: Operation<"git.branch.switch"> = async ({ projectId, name }, context) => {
  const { git } = await openProjectRepo(context, projectId);
  if (!(await localBranchExists(git, name))) {
    throw new OperationError("not_found", `no local branch named '${name}' (create it with git.branch.create)`);
  }
  await runBranchCommand(git, ["switch", "--no-guess", name]);
  return { branch: await describeBranch(git, name) };
};

async function runBranchCommand(git: SimpleGit, args: string[]): Promise<void> {
  try {
    await git.raw(args);
  } catch (error) {
    const message = gitMessage(error);
    // Local changes in the way, an unfinished merge, or a name clash with an existing ref.
    throw new OperationError("conflict", `git ${args[0]} refused: ${message}`);
  }
}

const FORMAT = ["%(refname)", "%(objectname)", "%(upstream:short)", "%(HEAD)"].join("%00");

export async function listBranches(git: SimpleGit): Promise<Branch[]> {
  const output = await git.raw(["for-each-ref", `--format=${FORMAT}`, "refs/heads"]);
  return output
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => {
      const [ref = "", sha = "", upstream = "", head = ""] = line.split("\0");
      return {
        name: ref.replace(/^refs\/heads\//, ""),
        sha,
        upstream: upstream === "" ? null : upstream,
        current: head === "*",
      };
    });
}

async function describeBranch(git: SimpleGit, name: string): Promise<Branch> {
  const branch = (await listBranches(git)).find((b) => b.name === name);
  if (branch === undefined) throw new OperationError("internal", `branch '${name}' vanished after the command`);
  return branch;
}
