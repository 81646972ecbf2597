/** Git operations; pull requests and CI runs live in ./pr. */
import type { Operations } from "../context.ts";
import { gitAdd } from "./add.ts";
import { gitBranchCreate, gitBranchList, gitBranchSwitch } from "./branch.ts";
import { gitCommit } from "./commit.ts";
import { gitLog } from "./log.ts";
import { prOperations } from "./pr/index.ts";
import { pushOperation } from "./push.ts";
import { gitStatus } from "./status.ts";

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
  "git.status": gitStatus,
  "git.add": gitAdd,
  "git.commit": gitCommit,
  "git.push": pushOperation(),
  "git.branch.list": gitBranchList,
  "git.branch.create": gitBranchCreate,
  "git.branch.switch": gitBranchSwitch,
  "git.log": gitLog,
};

export const gitOperations = { ...repoOperations, ...prOperations };
