/**
 * deploy.status: the live release, every release and every deploy newest
 * first, and whether Docker could be used. A deploy still marked running
 * while none is in progress was cut short by an agent restart: it is
 * reported, and recorded, as failed.
 */
import type { Deployment } from "@att/shared";
import type { Operation } from "../context.ts";
import { liveRelease } from "./current.ts";
import { dockerSupport } from "./docker.ts";
import { isBusy } from "./lock.ts";
import { listDeployments, listReleases, saveDeployment } from "./store.ts";

const CUT_SHORT = "the agent stopped before the deploy finished";

export const deployStatus: Operation<"deploy.status"> = async ({ projectId }, context) => {
  const project = await context.catalog.get(projectId);
  const inProgress = isBusy("deploy", project.id);
  const history = listDeployments(context.db, project.id).map((deployment): Deployment => {
    if (deployment.outcome !== "running" || inProgress) return deployment;
    const ended: Deployment = { ...deployment, outcome: "failed", reason: CUT_SHORT };
    saveDeployment(context.db, ended);
    return ended;
  });
  return {
    current: liveRelease(context, project.id)?.stored.release ?? null,
    releases: listReleases(context.db, project.id).map((stored) => stored.release),
    history,
    docker: await dockerSupport(),
  };
};
