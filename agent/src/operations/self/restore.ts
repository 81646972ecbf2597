/**
 * `self.restore`: the clean-up step of a self change, run whether it
 * succeeded or not. Uncommitted edits to the change's own files are
 * discarded (a failure between writing and committing must not carry them
 * onto the base branch), the working tree goes back to the base branch, and
 * after a merge on GitHub the base branch is fast-forwarded from origin so
 * the launcher can find the merged commit.
 */
import { rm } from "node:fs/promises";
import type { MethodResult, ParsedParams } from "@att/shared";
import type { OperationContext } from "../context.ts";
import { OperationError } from "../errors.ts";
import { git, gitRaw } from "../git/pr/git.ts";
import { jailPath } from "../jail.ts";

export async function selfRestore(
  params: ParsedParams<"self.restore">,
  context: OperationContext,
): Promise<MethodResult<"self.restore">> {
  const repo = (await context.catalog.get(params.projectId)).path;
  const files = await Promise.all(
    params.paths.map(async (file) => (await jailPath(repo, file, { mode: "write" })).relative),
  );
  const discarded: string[] = [];
  if (files.length > 0) {
    const lines = (text: string) => (text === "" ? [] : text.split("\n"));
    const modified = lines(await git(repo, ["diff", "--name-only", "HEAD", "--", ...files]));
    const added = lines(await git(repo, ["ls-files", "--others", "--exclude-standard", "--", ...files]));
    if (modified.length > 0) await git(repo, ["checkout", "--quiet", "HEAD", "--", ...modified]);
    for (const file of added) await rm((await jailPath(repo, file, { mode: "write" })).absolute, { force: true });
    discarded.push(...modified, ...added);
  }
  const switched = await gitRaw(repo, ["switch", "--quiet", params.base]);
  if (switched.exitCode !== 0) {
    throw new OperationError("conflict", `could not switch back to '${params.base}': ${switched.stderr}`);
  }
  if (params.provider === "github") {
    await git(repo, ["fetch", "--quiet", "origin", params.base]);
    const forward = await gitRaw(repo, ["merge", "--ff-only", "--quiet", `origin/${params.base}`]);
    if (forward.exitCode !== 0) {
      throw new OperationError("conflict", `'${params.base}' cannot fast-forward to origin: ${forward.stderr}`);
    }
  }
  return { branch: params.base, sha: await git(repo, ["rev-parse", "HEAD"]), discarded };
}
