/** Talking to the running NAT app, and the traces those exchanges leave. */
import type { Operations } from "../context.ts";
import { debugTraces } from "../debug/traces/operation.ts";
import { runtimeSend } from "./send.ts";

export const interactOperations: Operations<"runtime.send" | "debug.traces"> = {
  "runtime.send": runtimeSend,
  "debug.traces": debugTraces,
};
