/**
 * The one error type route code throws; the app's error handler turns it into
 * RFC 7807 problem+json. Also builds problem bodies for the cases Hono raises.
 */
import {
  describeZodError,
  type ErrorCode,
  HTTP_STATUS_BY_CODE,
  type Json,
  type Problem,
  type WireError,
} from "@att/shared";
import type { ZodError } from "zod";

export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly details: Json | undefined;
  /** Response headers the problem carries (Retry-After, WWW-Authenticate). */
  headers: Record<string, string> = {};
  /** Schema issues, for validation failures: sent as the problem's `errors`. */
  readonly issues: Array<{ path: string; message: string }> | undefined;
  constructor(code: ErrorCode, message: string, details?: Json, issues?: Array<{ path: string; message: string }>) {
    super(message);
    this.issues = issues;
    this.name = "ApiError";
    this.code = code;
    this.details = details;
  }

  /** A request that fails its schema: 422 with every issue listed. */
  static invalid(error: ZodError, target: string): ApiError {
    return new ApiError(
      "validation_failed",
      `the request does not match the schema (${target})`,
      undefined,
      describeZodError(error),
    );
  }

  withHeaders(headers: Record<string, string>): this {
    this.headers = { ...this.headers, ...headers };
    return this;
  }

  static fromWire(error: WireError): ApiError {
    return new ApiError(error.code, error.message, error.details);
  }

  get status(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }
}

const TITLES: Readonly<Record<ErrorCode, string>> = {
  bad_request: "Bad request",
  invalid_json: "Malformed JSON",
  validation_failed: "Validation failed",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  not_found: "Not found",
  conflict: "Conflict",
  payload_too_large: "Payload too large",
  precondition_failed: "Precondition failed",
  upstream_error: "Upstream error",
  unknown_method: "Unknown method",
  agent_unavailable: "Agent unavailable",
  agent_timeout: "Agent timed out",
  agent_error: "Agent error",
  internal: "Internal error",
  timeout: "Timed out",
  cancelled: "Cancelled",
  rejected: "Rejected",
  rate_limited: "Too many requests",
};

export function problemBody(options: {
  code: ErrorCode;
  detail: string;
  instance: string;
  requestId: string;
  errors?: Array<{ path: string; message: string }>;
  details?: Json;
}): Problem {
  const { code, detail, instance, requestId, errors, details } = options;
  return {
    type: `https://att.dev/problems/${code}`,
    title: TITLES[code],
    status: HTTP_STATUS_BY_CODE[code],
    detail,
    code,
    instance,
    requestId,
    ...(errors ? { errors } : {}),
    ...(details !== undefined ? { details } : {}),
  };
}

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}
