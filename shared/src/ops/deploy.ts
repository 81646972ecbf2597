/**
 * Local deploys: a release is a versioned, checksummed artifact of a project;
 * deploying runs it as the managed runtime, keeps it only when its health
 * check passes, and otherwise restores the release that ran before.
 */
import { z } from "zod";
import { Timestamp } from "../models.ts";
import { ProjectPath, ProjectScoped } from "./common.ts";
import { EnvVars, RuntimeStatus } from "./runtime.ts";

export const Release = z
  .object({
    id: z.string(),
    projectId: z.string(),
    version: z.number().int().min(1).meta({ description: "Counts up per project from 1." }),
    label: z.string().nullable(),
    sha256: z.string().meta({ description: "Checksum of the artifact (a zip of the release's files)." }),
    bytes: z.number().int().min(0),
    files: z.number().int().min(0),
    configPath: ProjectPath,
    gitCommit: z.string().nullable(),
    dependencyFiles: z.array(z.string()).meta({ description: "Lock and requirement files the release carries." }),
    createdAt: Timestamp,
  })
  .meta({ id: "Release" });
export type Release = z.infer<typeof Release>;

export const DeployOutcome = z.enum(["running", "succeeded", "rolled_back", "failed"]).meta({
  id: "DeployOutcome",
  description:
    "succeeded: the release is live and healthy; rolled_back: it failed its health check and the previous release runs again; failed: it failed and nothing could be restored.",
});

export const Deployment = z
  .object({
    id: z.string(),
    projectId: z.string(),
    releaseId: z.string(),
    version: z.number().int().min(1),
    kind: z.enum(["deploy", "rollback"]),
    outcome: DeployOutcome,
    reason: z.string().nullable(),
    previousReleaseId: z.string().nullable(),
    restoredReleaseId: z.string().nullable().meta({ description: "The release running again after a rollback." }),
    startedAt: Timestamp,
    finishedAt: Timestamp.nullable(),
  })
  .meta({ id: "Deployment" });
export type Deployment = z.infer<typeof Deployment>;

export const DeployBuildParams = ProjectScoped.extend({
  configPath: ProjectPath.optional().meta({ description: "Defaults to the project's NAT config." }),
  label: z.string().min(1).max(128).optional().meta({ example: "v1 chatbot" }),
});
export const DeployBuildResult = z.object({ release: Release });

export const DeployRunParams = ProjectScoped.extend({
  releaseId: z.string().min(1).max(64).optional().meta({ description: "The newest release when omitted." }),
  healthTimeoutSeconds: z.number().int().min(1).max(600).default(120),
  env: EnvVars.default({}),
});
export const DeployRunResult = z.object({ deployment: Deployment, runtime: RuntimeStatus });

export const DeployRollbackParams = ProjectScoped.extend({
  releaseId: z.string().min(1).max(64).meta({ description: "The earlier release to run again." }),
  healthTimeoutSeconds: DeployRunParams.shape.healthTimeoutSeconds,
  env: EnvVars.default({}),
});
export const DeployRollbackResult = DeployRunResult;

export const DeployStatusParams = ProjectScoped;
export const DeployStatusResult = z.object({
  current: Release.nullable().meta({ description: "The release live now, if any." }),
  releases: z.array(Release).meta({ description: "Newest first." }),
  history: z.array(Deployment).meta({ description: "Newest first." }),
  docker: z.object({
    available: z.boolean(),
    used: z.boolean(),
    detail: z.string().meta({ description: "Why Docker is or is not used." }),
  }),
});

export const DEPLOY_METHODS = {
  "deploy.build": { params: DeployBuildParams, result: DeployBuildResult },
  "deploy.run": { params: DeployRunParams, result: DeployRunResult },
  "deploy.rollback": { params: DeployRollbackParams, result: DeployRollbackResult },
  "deploy.status": { params: DeployStatusParams, result: DeployStatusResult },
} as const;
