/** The launch spec of a project's own app (its folder, its NAT config unless another is named). */
import type { RuntimeKind } from "@att/shared";
import type { z } from "zod";
import type { OperationContext } from "../context.ts";
import { OperationError } from "../errors.ts";
import { jailPath } from "../jail.ts";
import type { LaunchSpec } from "./control.ts";

export async function projectLaunchSpec(
  context: OperationContext,
  request: {
    projectId: string;
    kind: z.infer<typeof RuntimeKind>;
    configPath?: string | undefined;
    port?: number | undefined;
    env: Readonly<Record<string, string>>;
    readyTimeoutSeconds: number;
  },
): Promise<LaunchSpec> {
  const project = await context.catalog.get(request.projectId);
  const configPath = request.configPath ?? project.natConfigPath;
  if (configPath === null) {
    throw new OperationError(
      "precondition_failed",
      `project '${project.name}' has no NAT config: add configs/config.yml (or pass configPath)`,
      { reason: "no_config", expected: "configs/config.yml" },
    );
  }
  const jailed = await jailPath(project.path, configPath);
  return {
    projectId: project.id,
    kind: request.kind,
    root: project.path,
    configPath: jailed.relative,
    env: request.env,
    port: request.port ?? null,
    readyTimeoutMs: request.readyTimeoutSeconds * 1000,
    releaseId: null,
  };
}
