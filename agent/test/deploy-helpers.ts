/**
 * Shared by the deploy*.test.ts files: the deploy operations called the way
 * the link calls them (params parsed by the contract, results checked), and
 * reading a release artifact's entries.
 */
import {
  AGENT_METHODS,
  type DEPLOY_METHODS,
  type MethodParams,
  type MethodResult,
  type ParsedParams,
  resultSchemaOf,
} from "@att/shared";
import yauzl from "yauzl";
import type { Operation, OperationContext } from "../src/operations/context.ts";
import { deployOperations } from "../src/operations/deploy/index.ts";
import { OperationError } from "../src/operations/errors.ts";

type DeployMethod = keyof typeof DEPLOY_METHODS;

export async function callDeploy<M extends DeployMethod>(
  context: OperationContext,
  method: M,
  params: MethodParams<M>,
): Promise<MethodResult<M>> {
  // zod cannot narrow a schema picked by a generic key; the casts restate what the link relies on.
  const parsed = AGENT_METHODS[method].params.parse(params) as ParsedParams<M>;
  const operation: Operation<M> = deployOperations[method];
  return resultSchemaOf(method).parse(await operation(parsed, context));
}

/** The OperationError a promise rejects with (fails the test when it resolves or throws something else). */
export async function operationError(promise: Promise<unknown>): Promise<OperationError> {
  const outcome = await promise.then(
    () => new Error("expected an OperationError, but it resolved"),
    (error: unknown) => error,
  );
  if (outcome instanceof OperationError) return outcome;
  throw outcome;
}

/** The file entries of a zip on disk, in order. */
export async function zipEntries(file: string): Promise<string[]> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  try {
    const names: string[] = [];
    for await (const entry of zip.eachEntry()) if (!entry.fileName.endsWith("/")) names.push(entry.fileName);
    return names;
  } finally {
    zip.close();
  }
}
