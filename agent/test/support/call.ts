/**
 * Calls an agent operation the way the link does: params parsed by the
 * contract (defaults filled in), and the result checked against its schema.
 */
import {
  AGENT_METHODS,
  type AgentMethod,
  type MethodParams,
  type MethodResult,
  type ParsedParams,
  resultSchemaOf,
} from "@att/shared";
import type { Operation, OperationContext } from "../../src/operations/context.ts";
import { operations } from "../../src/operations/index.ts";

export async function callOperation<M extends AgentMethod>(
  context: OperationContext,
  method: M,
  params: MethodParams<M>,
): Promise<MethodResult<M>> {
  // zod cannot narrow a schema picked by a generic key; the casts restate what the link relies on.
  const parsed = AGENT_METHODS[method].params.parse(params) as ParsedParams<M>;
  const operation: Operation<M> = operations[method];
  return resultSchemaOf(method).parse(await operation(parsed, context));
}
