/**
 * Every failed API call becomes an ApiProblem carrying the server's
 * problem+json (RFC 7807), so views show the server's own message and a next
 * step instead of "undefined" or a bare status.
 */
import type { components } from "./schema";

export type Problem = components["schemas"]["Problem"];

export class ApiProblem extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problem.detail || problem.title);
    this.name = "ApiProblem";
    this.problem = problem;
  }

  get code(): Problem["code"] {
    return this.problem.code;
  }

  get status(): number {
    return this.problem.status;
  }
}

/** What the user can do about a failure, by its stable code. */
const NEXT_STEP: Partial<Record<Problem["code"], string>> = {
  unauthorized: "Sign in again with the token `npm start` printed.",
  agent_unavailable: "Start the local agent (`npm start`, or `att-agent`) and wait for the banner to clear.",
  agent_timeout: "The agent did not answer in time; check that it is running, then try again.",
  validation_failed: "Correct the highlighted fields and try again.",
  payload_too_large: "Send less at once (smaller file or fewer lines).",
  precondition_failed: "Something this needs is missing on the agent's machine; the message says what to install.",
  internal: "This is a bug in ATT; the request id identifies it in the control plane's log.",
};

export function nextStep(error: unknown): string | null {
  return error instanceof ApiProblem ? (NEXT_STEP[error.code] ?? null) : null;
}

/** Builds an ApiProblem from any failed response, even one that is not problem+json. */
export async function problemFrom(response: Response): Promise<ApiProblem> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text) as Partial<Problem>;
    if (typeof body.title === "string" && typeof body.code === "string") {
      return new ApiProblem({ ...body, status: response.status, detail: body.detail ?? body.title } as Problem);
    }
  } catch {
    // Not JSON: fall through to a problem built from the status line.
  }
  return new ApiProblem({
    type: "about:blank",
    title: response.statusText || `HTTP ${response.status}`,
    status: response.status,
    detail: text.slice(0, 500) || `The server answered ${response.status} ${response.statusText}.`,
    code: response.status >= 500 ? "internal" : "bad_request",
  });
}

/** A readable message for anything thrown, including network failures. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiProblem) return error.message;
  if (error instanceof TypeError)
    return `The control plane cannot be reached (${error.message}). Is \`npm start\` still running?`;
  if (error instanceof Error) return error.message;
  return String(error);
}
