/**
 * One deploy (or explicit rollback) of a release: unpack it (checksum
 * verified), start it as the project's managed app, and when it does not
 * come up healthy start the release that was live before it again. The
 * result is the report: a failed health check is an outcome, not a throw.
 */
import type { Deployment, Project, RuntimeStatus } from "@att/shared";
import { readDotEnv } from "../../process/env.ts";
import { emitEvent, type OperationContext } from "../context.ts";
import type { LaunchSpec } from "../runtime/control.ts";
import { unpackRelease } from "./artifact.ts";
import { type LiveRelease, liveRelease } from "./current.ts";
import { exclusively } from "./lock.ts";
import { failureReason, printedError } from "./reason.ts";
import { replaceApp } from "./replace.ts";
import { type StoredRelease, saveDeployment } from "./store.ts";

export interface RolloutRequest {
  project: Project;
  target: StoredRelease;
  kind: Deployment["kind"];
  healthTimeoutSeconds: number;
  /** Variables given with the request; they override the project's .env. */
  env: Readonly<Record<string, string>>;
}

type Ending = Pick<Deployment, "outcome" | "reason" | "restoredReleaseId">;

/** Starts `spec` in place of the running app; on failure, why (with what NAT printed meanwhile). */
async function attempt(context: OperationContext, spec: LaunchSpec): Promise<string | null> {
  const cursor = context.runtime.status(spec.projectId).logCursor;
  try {
    await replaceApp(context, spec);
    return null;
  } catch (error) {
    return failureReason(error, printedError(context.db, spec.projectId, cursor));
  }
}

/**
 * A release's .env is the project's at deploy time, not a copy in the
 * artifact: .env is usually ignored by git, and secrets stay out of releases.
 */
async function launchSpec(
  context: OperationContext,
  request: RolloutRequest,
  stored: StoredRelease,
): Promise<LaunchSpec> {
  return {
    projectId: request.project.id,
    kind: "serve",
    root: await unpackRelease(context.config.stateDir, stored),
    configPath: stored.release.configPath,
    env: { ...(await readDotEnv(request.project.path)), ...request.env },
    port: null,
    readyTimeoutMs: request.healthTimeoutSeconds * 1000,
    releaseId: stored.release.id,
  };
}

/** Brings back the release that was live before a failed rollout, unless it never stopped. */
async function restore(
  context: OperationContext,
  request: RolloutRequest,
  before: LiveRelease | null,
  reason: string,
): Promise<Ending> {
  if (before === null) return { outcome: "failed", reason, restoredReleaseId: null };
  const restored = before.stored.release;
  const now = context.runtime.status(request.project.id);
  if (now.state === "running" && now.releaseId === restored.id) {
    return { outcome: "rolled_back", reason, restoredReleaseId: restored.id };
  }
  const failed = await launchSpec(context, request, before.stored).then(
    (fresh) => attempt(context, before.spec ?? fresh),
    (error: unknown) => failureReason(error, null),
  );
  if (failed === null) return { outcome: "rolled_back", reason, restoredReleaseId: restored.id };
  return {
    outcome: "failed",
    reason: `${reason}; restoring v${restored.version} failed too: ${failed}`,
    restoredReleaseId: null,
  };
}

export function rollout(
  context: OperationContext,
  request: RolloutRequest,
): Promise<{ deployment: Deployment; runtime: RuntimeStatus }> {
  const { project, target } = request;
  return exclusively("deploy", project.id, async () => {
    // Bad input (a changed or missing artifact) throws here, before anything is recorded or stopped.
    const spec = await launchSpec(context, request, target);
    const before = liveRelease(context, project.id);
    const started: Deployment = {
      id: crypto.randomUUID(),
      projectId: project.id,
      releaseId: target.release.id,
      version: target.release.version,
      kind: request.kind,
      outcome: "running",
      reason: null,
      previousReleaseId: before?.stored.release.id ?? null,
      restoredReleaseId: null,
      startedAt: new Date().toISOString(),
      finishedAt: null,
    };
    saveDeployment(context.db, started);
    emitEvent(context, {
      projectId: project.id,
      type: "deploy.started",
      payload: {
        deploymentId: started.id,
        releaseId: target.release.id,
        version: target.release.version,
        kind: request.kind,
      },
    });
    const failed = await attempt(context, spec);
    const ending: Ending =
      failed === null
        ? { outcome: "succeeded", reason: null, restoredReleaseId: null }
        : await restore(context, request, before, failed);
    const deployment: Deployment = { ...started, ...ending, finishedAt: new Date().toISOString() };
    saveDeployment(context.db, deployment);
    emitEvent(context, {
      projectId: project.id,
      type: "deploy.completed",
      payload: {
        deploymentId: deployment.id,
        releaseId: deployment.releaseId,
        version: deployment.version,
        kind: deployment.kind,
        outcome: deployment.outcome,
        reason: deployment.reason,
        restoredReleaseId: deployment.restoredReleaseId,
      },
    });
    return { deployment, runtime: context.runtime.status(project.id) };
  });
}
