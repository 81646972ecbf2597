/** debug.errors: the errors parsed from a project's app output, newest first, each with its count. */
import type { Operation } from "../../context.ts";
import { listErrors } from "./store.ts";

export const debugErrors: Operation<"debug.errors"> = async (params, context) => {
  await context.catalog.get(params.projectId);
  return { errors: listErrors(context.db, params) };
};
