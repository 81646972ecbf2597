/** Pull requests and CI runs, through a provider (GitHub or ATT's local one). */
import type { Operations } from "../../context.ts";
import { notBuiltYet } from "../../errors.ts";

type PrMethod =
  | "git.pr.create"
  | "git.pr.list"
  | "git.pr.merge"
  | "git.pr.reviews"
  | "git.pr.review"
  | "git.actions"
  | "git.actions.log";

export const prOperations: Operations<PrMethod> = {
  "git.pr.create": notBuiltYet,
  "git.pr.list": notBuiltYet,
  "git.pr.merge": notBuiltYet,
  "git.pr.reviews": notBuiltYet,
  "git.pr.review": notBuiltYet,
  "git.actions": notBuiltYet,
  "git.actions.log": notBuiltYet,
};
