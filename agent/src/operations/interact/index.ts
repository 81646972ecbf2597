/** Talking to the running NAT app, and the traces those exchanges leave. */
import type { Operations } from "../context.ts";
import { debugTraces } from "../debug/traces/operation.ts";
import { runtimeRespond } from "./respond.ts";
import { runtimeSend } from "./send.ts";

export const interactOperations: Operations<"runtime.send" | "runtime.respond" | "debug.traces"> = {
  "runtime.send": runtimeSend,
  "runtime.respond": runtimeRespond,
  "debug.traces": debugTraces,
};
