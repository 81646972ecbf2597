/**
 * Operation-specific facts in a problem's `details`: the files of a merge
 * conflict or a dirty checkout, and the server's hint about what to do.
 */
import { ApiProblem } from "../api/problem.ts";

function details(error: unknown): Record<string, unknown> | null {
  if (!(error instanceof ApiProblem)) return null;
  const value: unknown = error.problem.details;
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
}

/** The files a conflict names (details.files), or none. */
export function problemFiles(error: unknown): string[] {
  const files = details(error)?.files;
  return Array.isArray(files) ? files.filter((file): file is string => typeof file === "string" && file !== "") : [];
}

/** The server's hint (details.hint), if it sent one. */
export function problemHint(error: unknown): string | null {
  const hint = details(error)?.hint;
  return typeof hint === "string" ? hint : null;
}
