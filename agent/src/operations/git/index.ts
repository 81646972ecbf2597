/** Git operations; pull requests and CI runs live in ./pr. */
import type { Operations } from "../context.ts";
import { notBuiltYet } from "../errors.ts";
import { prOperations } from "./pr/index.ts";

type RepoMethod =
  | "git.status"
  | "git.add"
  | "git.commit"
  | "git.push"
  | "git.branch.list"
  | "git.branch.create"
  | "git.branch.switch"
  | "git.log";

const repoOperations: Operations<RepoMethod> = {
  "git.status": notBuiltYet,
  "git.add": notBuiltYet,
  "git.commit": notBuiltYet,
  "git.push": notBuiltYet,
  "git.branch.list": notBuiltYet,
  "git.branch.create": notBuiltYet,
  "git.branch.switch": notBuiltYet,
  "git.log": notBuiltYet,
};

export const gitOperations = { ...repoOperations, ...prOperations };
