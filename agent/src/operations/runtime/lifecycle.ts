/** runtime.start, runtime.stop, runtime.restart and runtime.status: thin calls into the managed runtime. */
import type { Operation } from "../context.ts";
import { projectLaunchSpec } from "./spec.ts";

export const startRuntime: Operation<"runtime.start"> = async (params, context) => {
  const spec = await projectLaunchSpec(context, params);
  return { status: await context.runtime.start(spec) };
};

export const stopRuntime: Operation<"runtime.stop"> = async ({ projectId, graceSeconds }, context) => {
  await context.catalog.get(projectId);
  return { status: await context.runtime.stop(projectId, graceSeconds * 1000) };
};

/** The last healthy launch again (a deployed release stays deployed); the project's defaults when there was none. */
export const restartRuntime: Operation<"runtime.restart"> = async (params, context) => {
  const { projectId, graceSeconds, readyTimeoutSeconds } = params;
  await context.catalog.get(projectId);
  const last = context.runtime.lastSpec(projectId);
  const spec =
    last === null
      ? await projectLaunchSpec(context, { projectId, kind: "serve", env: {}, readyTimeoutSeconds })
      : { ...last, readyTimeoutMs: readyTimeoutSeconds * 1000 };
  const state = context.runtime.status(projectId).state;
  if (state === "starting" || state === "running" || state === "unhealthy") {
    await context.runtime.stop(projectId, graceSeconds * 1000);
  }
  return { status: await context.runtime.start(spec) };
};

export const runtimeStatus: Operation<"runtime.status"> = async ({ projectId }, context) => {
  await context.catalog.get(projectId);
  return { status: context.runtime.status(projectId) };
};
