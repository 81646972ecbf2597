/** Git operations and pull requests. */
import type { GIT_METHODS } from "@att/shared";
import type { Operations } from "../context.ts";
import { notBuiltYet } from "../errors.ts";

export const gitOperations: Operations<keyof typeof GIT_METHODS> = {
  "git.status": notBuiltYet,
  "git.add": notBuiltYet,
  "git.commit": notBuiltYet,
  "git.push": notBuiltYet,
  "git.branch.list": notBuiltYet,
  "git.branch.create": notBuiltYet,
  "git.branch.switch": notBuiltYet,
  "git.log": notBuiltYet,
  "git.pr.create": notBuiltYet,
  "git.pr.list": notBuiltYet,
  "git.pr.merge": notBuiltYet,
  "git.pr.reviews": notBuiltYet,
  "git.pr.review": notBuiltYet,
  "git.actions": notBuiltYet,
  "git.actions.log": notBuiltYet,
};
