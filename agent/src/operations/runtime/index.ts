/** The runtime family: the managed app's lifecycle, its logs and the errors parsed from them. */
import type { Operations } from "../context.ts";
import { debugErrors } from "../debug/errors/operation.ts";
import { runtimeLogs } from "../logs/operation.ts";
import { restartRuntime, runtimeStatus, startRuntime, stopRuntime } from "./lifecycle.ts";

export const runtimeOperations: Operations<
  "runtime.start" | "runtime.stop" | "runtime.restart" | "runtime.status" | "runtime.logs" | "debug.errors"
> = {
  "runtime.start": startRuntime,
  "runtime.stop": stopRuntime,
  "runtime.restart": restartRuntime,
  "runtime.status": runtimeStatus,
  "runtime.logs": runtimeLogs,
  "debug.errors": debugErrors,
};
