import yauzl from "yauzl";
import { OperationError } from "../src/operations/errors.ts";

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
