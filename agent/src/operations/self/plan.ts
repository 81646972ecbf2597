/**
 * `self.plan`: the first step of a self change. Checks that the repository
 * can take it (a git repository on its default branch, nothing uncommitted,
 * the paths inside the project), reads `.att/self.json` from the base
 * branch, names the branch, and says which files make it high-risk.
 */
import type { MethodResult, ParsedParams } from "@att/shared";
import type { OperationContext } from "../context.ts";
import { OperationError } from "../errors.ts";
import { branchSha, currentBranch, defaultBranch, git, gitRaw, isRepositoryRoot } from "../git/pr/git.ts";
import { parseGitHubRemote } from "../git/pr/github/remote.ts";
import { jailPath } from "../jail.ts";
import { BUILT_IN_HIGH_RISK, matchesRule, readSelfConfig, type SelfConfig } from "./config.ts";

export async function selfPlan(
  params: ParsedParams<"self.plan">,
  context: OperationContext,
): Promise<MethodResult<"self.plan">> {
  const project = await context.catalog.get(params.projectId);
  const repo = project.path;
  if (!(await isRepositoryRoot(repo))) {
    throw new OperationError("precondition_failed", `project '${project.name}' is not a git repository`);
  }
  const base = await defaultBranch(repo);
  const baseSha = base === null ? null : await branchSha(repo, base);
  if (base === null || baseSha === null) {
    throw new OperationError("precondition_failed", "the repository has no main or master branch to change");
  }
  const current = await currentBranch(repo);
  if (current !== base) {
    throw new OperationError(
      "precondition_failed",
      `the working tree is on '${current ?? "a detached HEAD"}', not '${base}': switch back before changing ATT`,
    );
  }
  const dirty = await git(repo, ["diff", "--name-only", "HEAD"]);
  if (dirty !== "") {
    throw new OperationError(
      "precondition_failed",
      "the working tree has uncommitted changes: commit or discard them first",
      {
        files: dirty.split("\n"),
      },
    );
  }
  const files = await Promise.all(params.paths.map((file) => relativeInside(repo, file)));
  const twice = files.find((file, index) => files.indexOf(file) !== index);
  if (twice !== undefined) throw new OperationError("bad_request", `'${twice}' is named twice in the change`);
  // An ignored file (.env, local settings) would be overwritten on disk but never committed: refuse before writing.
  const ignored = await gitRaw(repo, ["check-ignore", "--", ...files]);
  if (ignored.exitCode === 0 && ignored.stdout !== "") {
    throw new OperationError(
      "bad_request",
      `git ignores ${ignored.stdout.split("\n").join(", ")}: a change can only write tracked files`,
    );
  }
  const config = await readSelfConfig(repo, base);
  const rules = [
    ...BUILT_IN_HIGH_RISK.map((glob) => ({ glob, where: "built in" })),
    ...config.highRisk.map((glob) => ({ glob, where: ".att/self.json" })),
  ];
  const highRisk = files.flatMap((file) => {
    const rule = rules.find(({ glob }) => matchesRule(file, glob));
    return rule === undefined ? [] : [{ path: file, rule: `${rule.glob} (${rule.where})` }];
  });
  return {
    base,
    branch: await freeBranchName(repo, config, params.title),
    baseSha,
    testPaths: config.tests.paths,
    provider: params.provider ?? config.provider ?? providerFor(project.gitRemote, context),
    highRisk,
    launcher: context.config.launcher !== null,
  };
}

/** The path relative to the repository root (symlinks resolved), or forbidden when it leaves the project. */
async function relativeInside(repo: string, file: string): Promise<string> {
  return (await jailPath(repo, file, { mode: "write" })).relative;
}

function providerFor(remote: string | null, context: OperationContext): "local" | "github" {
  return parseGitHubRemote(remote) !== null && context.config.github.token !== null ? "github" : "local";
}

/** `<prefix><slug>-<n>`: the first number not taken by a branch already. */
async function freeBranchName(repo: string, config: SelfConfig, title: string): Promise<string> {
  const slug =
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40)
      .replace(/-+$/, "") || "change";
  for (let n = 1; n < 1000; n += 1) {
    const name = `${config.branchPrefix}${slug}-${n}`;
    if ((await branchSha(repo, name)) === null) return name;
  }
  throw new OperationError("conflict", `too many branches named ${config.branchPrefix}${slug}-*`);
}
