/** Turns GitHub's (and the network's) failures into ATT's stable error codes. Never includes the token. */
import { OperationError } from "../../../errors.ts";
import type { GitHubRepo } from "./remote.ts";

/** Octokit's RequestError, recognised by shape (its package is not a direct dependency). */
export function statusOf(error: unknown): number | null {
  if (!(error instanceof Error) || !("status" in error)) return null;
  return typeof error.status === "number" ? error.status : null;
}

function isNetworkFailure(error: Error): boolean {
  return error.name === "AbortError" || error.name === "TimeoutError" || error.cause instanceof Error;
}

export function toOperationError(
  error: unknown,
  where: GitHubRepo,
  overrides: Record<number, OperationError> = {},
): Error {
  if (error instanceof OperationError) return error;
  if (!(error instanceof Error)) return new OperationError("upstream_error", "GitHub request failed");
  const name = `${where.owner}/${where.repo}`;
  const status = statusOf(error);
  const message = firstLine(error.message);
  const override = status === null ? undefined : overrides[status];
  if (override !== undefined) return override;
  if (status === null || isNetworkFailure(error)) {
    return new OperationError("upstream_error", `could not reach GitHub for ${name}: ${message}`);
  }
  if (status === 401 || status === 403) {
    return new OperationError(
      "upstream_error",
      `GitHub refused access to ${name} (${status}: ${message}); check that GITHUB_TOKEN may use this repository`,
      { status },
    );
  }
  if (status === 404) return new OperationError("not_found", `GitHub: not found in ${name} (${message})`);
  if (status === 422) return new OperationError("bad_request", `GitHub rejected the request for ${name}: ${message}`);
  return new OperationError("upstream_error", `GitHub answered ${status} for ${name}: ${message}`, { status });
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").slice(0, 500);
}
