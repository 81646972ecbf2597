/** Pull requests and CI runs, through a provider (GitHub or ATT's local one) chosen per call. */
import { emitEvent, type Operations } from "../../context.ts";
import { chooseProvider } from "./choose.ts";

export { stopLocalCi } from "./local/ci.ts";

type PrMethod =
  | "git.pr.create"
  | "git.pr.list"
  | "git.pr.merge"
  | "git.pr.reviews"
  | "git.pr.review"
  | "git.actions"
  | "git.actions.log";

export const prOperations: Operations<PrMethod> = {
  "git.pr.create": async ({ projectId, provider, ...input }, context) => {
    const chosen = await chooseProvider({ projectId, provider }, context);
    const { pullRequest, startChecks } = await chosen.provider.create(input);
    const { number, title, head, base, url } = pullRequest;
    emitEvent(context, {
      projectId,
      type: "git.pr.created",
      payload: { number, title, head, base, url, provider: chosen.name },
    });
    startChecks?.();
    return { pullRequest };
  },

  "git.pr.list": async ({ projectId, provider, ...input }, context) => {
    const chosen = await chooseProvider({ projectId, provider }, context);
    return { pullRequests: await chosen.provider.list(input) };
  },

  "git.pr.merge": async ({ projectId, provider, ...input }, context) => {
    const chosen = await chooseProvider({ projectId, provider }, context);
    const pullRequest = await chosen.provider.merge(input);
    const { number, base, head, mergeCommit } = pullRequest;
    emitEvent(context, {
      projectId,
      type: "git.pr.merged",
      payload: { number, base, head, mergeCommit, method: input.method, provider: chosen.name },
    });
    return { pullRequest };
  },

  "git.pr.reviews": async ({ projectId, provider, number }, context) => {
    const chosen = await chooseProvider({ projectId, provider }, context);
    return { reviews: await chosen.provider.listReviews(number) };
  },

  "git.pr.review": async ({ projectId, provider, ...input }, context) => {
    const chosen = await chooseProvider({ projectId, provider }, context);
    return { review: await chosen.provider.review(input) };
  },

  "git.actions": async ({ projectId, provider, ...input }, context) => {
    const chosen = await chooseProvider({ projectId, provider }, context);
    return { runs: await chosen.provider.listRuns(input) };
  },

  "git.actions.log": async ({ projectId, provider, runId }, context) => {
    const chosen = await chooseProvider({ projectId, provider }, context);
    return await chosen.provider.runLog(runId);
  },
};
