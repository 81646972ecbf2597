/** git.status: the working tree against the index and HEAD, from `git status --porcelain=v2`. */
import type { MethodResult } from "@att/shared";
import type { Operation } from "../context.ts";
import { gitOr } from "./failure.ts";
import { openProjectRepo } from "./repo.ts";

type Status = MethodResult<"git.status">;
type Change = Status["staged"][number];

const CHANGE_BY_CODE: Record<string, Change["status"]> = {
  M: "modified",
  T: "type_changed",
  A: "added",
  D: "deleted",
  R: "renamed",
  C: "copied",
};

export const gitStatus: Operation<"git.status"> = async ({ projectId }, context) => {
  const { git } = await openProjectRepo(context, projectId);
  const output = await gitOr("internal", "git status failed", () =>
    git.raw(["status", "--porcelain=v2", "--branch", "-z"]),
  );
  return parseStatus(output);
};

/** Parses `git status --porcelain=v2 --branch -z` output. */
export function parseStatus(output: string): Status {
  const status: Status = {
    branch: null,
    upstream: null,
    ahead: 0,
    behind: 0,
    staged: [],
    unstaged: [],
    untracked: [],
    conflicted: [],
    clean: true,
  };
  const tokens = output.split("\0");
  for (let i = 0; i < tokens.length; i += 1) {
    const entry = tokens[i] ?? "";
    if (entry.startsWith("# ")) readHeader(entry, status);
    else if (entry.startsWith("? ")) status.untracked.push(entry.slice(2));
    else if (entry.startsWith("u ")) status.conflicted.push(fieldsAndPath(entry, 10).path);
    else if (entry.startsWith("1 ")) addChange(status, fieldsAndPath(entry, 8));
    else if (entry.startsWith("2 ")) {
      addChange(status, fieldsAndPath(entry, 9));
      i += 1; // with -z the original path of a rename or copy is the next token
    }
  }
  status.clean =
    status.staged.length + status.unstaged.length + status.untracked.length + status.conflicted.length === 0;
  return status;
}

function readHeader(entry: string, status: Status): void {
  const [, key, ...rest] = entry.split(" ");
  const value = rest.join(" ");
  if (key === "branch.head") status.branch = value === "(detached)" ? null : value;
  else if (key === "branch.upstream") status.upstream = value;
  else if (key === "branch.ab") {
    const match = /^\+(\d+) -(\d+)$/.exec(value);
    status.ahead = Number(match?.[1] ?? 0);
    status.behind = Number(match?.[2] ?? 0);
  }
}

/** Splits an entry into its `count` fixed fields and the path, which may contain spaces. */
function fieldsAndPath(entry: string, count: number): { xy: string; path: string } {
  const parts = entry.split(" ");
  return { xy: parts[1] ?? "..", path: parts.slice(count).join(" ") };
}

function addChange(status: Status, { xy, path }: { xy: string; path: string }): void {
  const inIndex = CHANGE_BY_CODE[xy[0] ?? "."];
  const inTree = CHANGE_BY_CODE[xy[1] ?? "."];
  if (inIndex !== undefined) status.staged.push({ path, status: inIndex });
  if (inTree !== undefined) status.unstaged.push({ path, status: inTree });
}
