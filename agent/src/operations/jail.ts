/**
 * The project jail: every path an operation touches is resolved here first.
 * Implementation pending (issue 3, code operations).
 */
import { OperationError } from "./errors.ts";

/**
 * Resolves `relative` inside the project directory `root` and returns the
 * absolute path, or throws OperationError("forbidden") when it is absolute,
 * climbs out with `..`, carries encoded separators or NUL, or (through a
 * symlink, at any depth, existing or not yet) resolves outside `root`.
 * `mode: "write"` also checks the parents a write would create.
 */
export async function resolveInProject(
  _root: string,
  _relative: string,
  _options: { mode: "read" | "write" } = { mode: "read" },
): Promise<string> {
  throw new OperationError("internal", "jail not built yet");
}
