/** runtime.logs (REST and MCP also call it debug.logs): a project's stored lines by cursor, filtered. */
import type { Operation } from "../context.ts";
import { readLogs } from "./query.ts";

export const runtimeLogs: Operation<"runtime.logs"> = async (params, context) => {
  await context.catalog.get(params.projectId);
  return readLogs(context.db, params);
};
