/** Local deploys: releases built from a project, deployed with a health check, rolled back when it fails. */
import type { DEPLOY_METHODS } from "@att/shared";
import type { Operations } from "../context.ts";
import { buildRelease } from "./build.ts";
import { rollbackRelease, runRelease } from "./run.ts";
import { deployStatus } from "./status.ts";

export const deployOperations: Operations<keyof typeof DEPLOY_METHODS> = {
  "deploy.build": buildRelease,
  "deploy.run": runRelease,
  "deploy.rollback": rollbackRelease,
  "deploy.status": deployStatus,
};
