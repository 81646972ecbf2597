/**
 * code.diff: a unified diff of the work tree (or the index, or another ref)
 * against HEAD or a given ref, with a per-file summary. A repository without
 * commits is compared with the empty tree.
 */
import { MAX_DIFF_BYTES, MAX_DIFF_FILES } from "@att/shared";
import type { Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { diffFiles } from "./diff-files.ts";
import { isGitRoot, runGit } from "./git.ts";
import { jailInProject } from "./project.ts";

export const codeDiff: Operation<"code.diff"> = async (params, context) => {
  if (params.staged && params.to !== undefined) {
    throw new OperationError("bad_request", "`staged` compares the index; it cannot be combined with `to`");
  }
  const jailed = await jailInProject(context, params.projectId, params.path ?? "");
  const root = jailed.root;
  if (!(await isGitRoot(root))) throw new OperationError("precondition_failed", "the project is not a git repository");
  const from = params.from === undefined ? await headOrEmptyTree(root) : await resolveCommit(root, params.from);
  const to = params.to === undefined ? [] : [await resolveCommit(root, params.to)];
  const range = [
    ...(params.staged ? ["--cached"] : []),
    from,
    ...to,
    "--",
    ...(jailed.relative === "" ? [] : [jailed.relative]),
  ];
  const base = ["diff", "--no-color", "--no-ext-diff", "--no-textconv", "--find-renames"];
  const [text, nameStatus, numstat] = await Promise.all([
    runGit(root, [...base, `--unified=${params.context}`, ...range], { maxBytes: MAX_DIFF_BYTES }),
    runGit(root, [...base, "--name-status", "-z", ...range]),
    runGit(root, [...base, "--numstat", "-z", ...range]),
  ]);
  const files = diffFiles(nameStatus.stdout, numstat.stdout);
  return {
    diff: text.truncated ? untilLastLine(text.stdout) : text.stdout.toString("utf8"),
    files: files.slice(0, MAX_DIFF_FILES),
    truncated: text.truncated || files.length > MAX_DIFF_FILES,
  };
};

/** The commit a ref names; an unknown ref is not_found, naming it. */
async function resolveCommit(root: string, ref: string): Promise<string> {
  const result = await runGit(root, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`], {
    okExitCodes: [1, 128],
  });
  const sha = result.stdout.toString("utf8").trim();
  if (result.exitCode !== 0 || sha === "") throw new OperationError("not_found", `unknown ref '${ref}'`);
  return sha;
}

/** HEAD, or the empty tree when nothing is committed yet (hashed, so SHA-256 repositories work too). */
async function headOrEmptyTree(root: string): Promise<string> {
  const head = await resolveCommit(root, "HEAD").catch((error: unknown) => {
    if (error instanceof OperationError && error.code === "not_found") return null;
    throw error;
  });
  if (head !== null) return head;
  const empty = await runGit(root, ["hash-object", "-t", "tree", "--stdin"], { input: "" });
  return empty.stdout.toString("utf8").trim();
}

/** Cuts a truncated diff after its last complete line. */
function untilLastLine(output: Buffer): string {
  const end = output.lastIndexOf(0x0a);
  return output.subarray(0, end + 1).toString("utf8");
}
