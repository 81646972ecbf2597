/**
 * Agent tests against the real NAT: the shared test venv (built on first
 * use; a test fails, never skips, when it cannot be built) and a context
 * whose `nat` and `python` are the venv's.
 */
import { AGENT_METHODS, type MethodParams, type MethodResult, type ParsedParams, resultSchemaOf } from "@att/shared";
import { ensureNatVenv, type NatVenv } from "../../../tests/support/nat-venv.ts";
import type { Operation, OperationContext } from "../../src/operations/context.ts";
import { runtimeOperations } from "../../src/operations/runtime/index.ts";
import { createTestContext, type TestContext } from "./context.ts";

/** Environment for `createTestContext` that points the agent at the venv's tools. */
export function natTestEnv(venv: NatVenv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ATT_NAT_COMMAND: venv.nat, ATT_PYTHON_COMMAND: venv.python, ...extra };
}

/** The venv and a test context using it. */
export async function natTestContext(extra: NodeJS.ProcessEnv = {}): Promise<{ venv: NatVenv; context: TestContext }> {
  const venv = await ensureNatVenv();
  return { venv, context: createTestContext(natTestEnv(venv, extra)) };
}

/** Calls a runtime-family operation the way the link does: params parsed, result checked against the contract. */
export async function callRuntime<M extends keyof typeof runtimeOperations>(
  context: OperationContext,
  method: M,
  params: MethodParams<M>,
): Promise<MethodResult<M>> {
  // zod cannot narrow a schema picked by a generic key; the casts restate what the link relies on.
  const parsed = AGENT_METHODS[method].params.parse(params) as ParsedParams<M>;
  const operation: Operation<M> = runtimeOperations[method];
  return resultSchemaOf(method).parse(await operation(parsed, context));
}
