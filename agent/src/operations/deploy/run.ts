/** deploy.run (a release, the newest by default) and deploy.rollback (an earlier one, explicitly). */
import type { Operation } from "../context.ts";
import { OperationError } from "../errors.ts";
import { liveRelease } from "./current.ts";
import { rollout } from "./rollout.ts";
import { getRelease, newestRelease } from "./store.ts";

export const runRelease: Operation<"deploy.run"> = async (params, context) => {
  const project = await context.catalog.get(params.projectId);
  const target =
    params.releaseId === undefined
      ? newestRelease(context.db, project.id)
      : getRelease(context.db, project.id, params.releaseId);
  return rollout(context, {
    project,
    target,
    kind: "deploy",
    healthTimeoutSeconds: params.healthTimeoutSeconds,
    env: params.env,
  });
};

export const rollbackRelease: Operation<"deploy.rollback"> = async (params, context) => {
  const project = await context.catalog.get(params.projectId);
  const target = getRelease(context.db, project.id, params.releaseId);
  if (liveRelease(context, project.id)?.stored.release.id === target.release.id) {
    throw new OperationError("conflict", `release v${target.release.version} is already the live release`, {
      reason: "already_current",
      releaseId: target.release.id,
    });
  }
  return rollout(context, {
    project,
    target,
    kind: "rollback",
    healthTimeoutSeconds: params.healthTimeoutSeconds,
    env: params.env,
  });
};
