/** Reading commits with `git log` in a format that cannot be confused by any message. */
import type { MethodResult } from "@att/shared";
import type { SimpleGit } from "simple-git";

export type Commit = MethodResult<"git.log">["commits"][number];

// Fields separated by NUL, commits by NUL too (-z): a commit message cannot contain NUL.
const FIELDS = ["%H", "%an", "%ae", "%aI", "%B"] as const;
const FORMAT = `--format=${FIELDS.join("%x00")}`;

/** Runs `git log -z` with the given extra arguments (limits, revisions, `--` paths). */
export async function readCommits(git: SimpleGit, args: readonly string[]): Promise<Commit[]> {
  const output = await git.raw(["log", "-z", FORMAT, ...args]);
  return parseCommits(output);
}

export function parseCommits(output: string): Commit[] {
  if (output.trim() === "") return [];
  const tokens = output.split("\0");
  const commits: Commit[] = [];
  for (let i = 0; i + FIELDS.length <= tokens.length; i += FIELDS.length) {
    const [sha = "", author = "", email = "", date = "", message = ""] = tokens.slice(i, i + FIELDS.length);
    commits.push({
      sha: sha.trim(),
      author,
      email,
      date: new Date(date).toISOString(),
      message: message.replace(/\n+$/, ""),
    });
  }
  return commits;
}
