/** Local deploys: releases (versioned, checksummed artifacts), health-checked deploys and rollback. */
import { DeployBuildParams, DeployRollbackParams, DeployRunParams } from "@att/shared";
import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../env.ts";
import { operationRoute } from "./operation-route.ts";

const TAG = "deploy";

export function registerDeploy(app: OpenAPIHono<AppBindings>): void {
  const base = "/api/v1/projects/{id}/deploy";
  operationRoute(app, {
    verb: "post",
    path: `${base}/build`,
    tag: TAG,
    summary: "Build a release: the project's files, config and lock files as a checksummed artifact",
    operation: "deploy.build",
    body: DeployBuildParams.omit({ projectId: true }),
    bodyExample: { label: "first release" },
    status: 201,
    errors: [404, 412],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/run`,
    tag: TAG,
    summary: "Deploy a release; when its health check fails the previous release is restored automatically",
    description:
      "The answer is the deployment report (outcome succeeded, rolled_back or failed, with the reason) and the runtime's status.",
    operation: "deploy.run",
    body: DeployRunParams.omit({ projectId: true }),
    bodyExample: { healthTimeoutSeconds: 120 },
    errors: [404, 409, 412],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/rollback`,
    tag: TAG,
    summary: "Run an earlier release again (explicit rollback)",
    operation: "deploy.rollback",
    body: DeployRollbackParams.omit({ projectId: true }),
    bodyExample: { releaseId: "rel_01" },
    errors: [404, 409, 412],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/status`,
    tag: TAG,
    summary: "Current release, releases, deploy history with outcomes, and whether Docker is used",
    operation: "deploy.status",
    errors: [404],
    toParams: ({ id }) => ({ projectId: id }),
  });
}
