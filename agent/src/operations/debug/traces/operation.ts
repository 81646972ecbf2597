/** debug.traces: a project's stored workflow traces, newest first, or one by id. */
import type { Operation } from "../../context.ts";
import { OperationError } from "../../errors.ts";
import { getTrace, listTraces } from "./store.ts";

export const debugTraces: Operation<"debug.traces"> = async ({ projectId, traceId, limit }, context) => {
  await context.catalog.get(projectId); // not_found for an unknown project
  if (traceId === undefined) return { traces: listTraces(context.db, projectId, limit) };
  const trace = getTrace(context.db, projectId, traceId);
  if (trace === null) throw new OperationError("not_found", `no trace ${traceId} in this project`, { traceId });
  return { traces: [trace] };
};
