/** Self-bootstrapping: the agent's steps of a change to ATT's own repository (the workflow lives in the control plane). */
import type { Operations } from "../context.ts";
import { OperationError } from "../errors.ts";
import { chooseProvider } from "../git/pr/choose.ts";
import { readSwitch, requestSwitch } from "./launcher-client.ts";
import { selfPlan } from "./plan.ts";
import { selfRestore } from "./restore.ts";

export const selfOperations: Operations<
  "self.plan" | "self.pullRequest" | "self.restore" | "self.restart" | "self.restartStatus"
> = {
  "self.plan": selfPlan,

  /** One pull request with its CI state: what the workflow polls. */
  "self.pullRequest": async ({ projectId, provider, number }, context) => {
    const chosen = await chooseProvider({ projectId, provider }, context);
    const all = await chosen.provider.list({ state: "all" });
    const pullRequest = all.find((pr) => pr.number === number);
    if (pullRequest === undefined) throw new OperationError("not_found", `no pull request #${number}`);
    return { pullRequest };
  },

  "self.restore": selfRestore,

  "self.restart": async ({ projectId, sha, reason }, context) => {
    await context.catalog.get(projectId);
    return { switch: await requestSwitch(context.config, { sha, reason }) };
  },

  "self.restartStatus": async ({ projectId, switchId }, context) => {
    await context.catalog.get(projectId);
    return { switch: await readSwitch(context.config, switchId) };
  },
};
