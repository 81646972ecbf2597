/**
 * Starts a release in place of whatever app runs. The manager stops another
 * project's app itself, after validating, but refuses to start a project
 * over its own live app; so that app is stopped here, and only once the new
 * config passed `nat validate`: a config NAT rejects never costs the live app.
 */

import { projectEnv } from "../../process/env.ts";
import { resolveProjectTool } from "../../process/python-tools.ts";
import type { OperationContext } from "../context.ts";
import { OperationError } from "../errors.ts";
import { isLive } from "../runtime/app.ts";
import type { LaunchSpec } from "../runtime/control.ts";
import { validateConfig } from "../runtime/validate.ts";

const STOP_GRACE_MS = 10_000;

async function validate(context: OperationContext, spec: LaunchSpec): Promise<void> {
  const nat = await resolveProjectTool(spec.root, "nat", context.config.natCommand);
  await validateConfig({
    command: nat.command,
    root: spec.root,
    configPath: spec.configPath,
    env: await projectEnv(spec.root, spec.env),
    onLine: () => {},
  });
}

export async function replaceApp(context: OperationContext, spec: LaunchSpec): Promise<void> {
  if (isLive(context.runtime.status(spec.projectId).state)) {
    await validate(context, spec);
    await context.runtime.stop(spec.projectId, STOP_GRACE_MS).catch((error: unknown) => {
      // It ended on its own meanwhile: nothing left to stop.
      if (!(error instanceof OperationError && error.code === "conflict")) throw error;
    });
  }
  await context.runtime.start(spec);
}
