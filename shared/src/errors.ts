/**
 * Wire errors: a stable string code, a human message and optional details.
 * Each code maps to one HTTP status, once, here; REST turns them into RFC 7807
 * problem+json and sockets carry them in `error` frames.
 */
import { z } from "zod";
import { JsonValue } from "./json.ts";

export const ErrorCode = z
  .enum([
    "bad_request",
    "invalid_json",
    "validation_failed",
    "unauthorized",
    "forbidden",
    "not_found",
    "conflict",
    "payload_too_large",
    "precondition_failed",
    "upstream_error",
    "unknown_method",
    "agent_unavailable",
    "agent_timeout",
    "agent_error",
    "internal",
    "timeout",
    "cancelled",
    "rejected",
    "rate_limited",
  ])
  .meta({ id: "ErrorCode", description: "Stable machine-readable error code." });
export type ErrorCode = z.infer<typeof ErrorCode>;

export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  bad_request: 400,
  invalid_json: 400,
  validation_failed: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  precondition_failed: 412,
  upstream_error: 502,
  unknown_method: 400,
  agent_unavailable: 503,
  agent_timeout: 504,
  agent_error: 502,
  internal: 500,
  timeout: 504,
  cancelled: 409,
  rejected: 409,
  rate_limited: 429,
};

/**
 * Whether asking again can change the answer: the agent or an upstream was
 * away, slow or failing. A refusal of the request itself is final.
 */
export const RETRYABLE_BY_CODE: Readonly<Record<ErrorCode, boolean>> = {
  bad_request: false,
  invalid_json: false,
  validation_failed: false,
  unauthorized: false,
  forbidden: false,
  not_found: false,
  conflict: false,
  payload_too_large: false,
  precondition_failed: false,
  upstream_error: true,
  unknown_method: false,
  agent_unavailable: true,
  agent_timeout: true,
  agent_error: true,
  internal: true,
  timeout: true,
  cancelled: false,
  rejected: false,
  rate_limited: true,
};

export const WireError = z
  .object({
    code: ErrorCode,
    message: z.string().min(1).max(4096),
    details: JsonValue.optional(),
  })
  .meta({ id: "WireError" });
export type WireError = z.infer<typeof WireError>;

/** RFC 7807 problem details, extended with ATT's stable `code` and the request id. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int().min(400).max(599),
    detail: z.string(),
    code: ErrorCode,
    instance: z.string().optional(),
    requestId: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    details: JsonValue.optional().meta({ description: "Operation-specific facts, e.g. conflicting files." }),
  })
  .meta({ id: "Problem", description: "RFC 7807 problem details (application/problem+json)." });
export type Problem = z.infer<typeof Problem>;

/**
 * WebSocket close codes ATT uses. 1000-1015 are the standard ones; 4xxx are
 * application codes that mirror the HTTP status they correspond to.
 */
export const CloseCode = {
  normal: 1000,
  goingAway: 1001,
  messageTooBig: 1009,
  internalError: 1011,
  invalidFrame: 4400,
  unauthorized: 4401,
  /** The agent's pairing was revoked, or its workspace refused it. */
  forbidden: 4403,
  notFound: 4404,
  heartbeatTimeout: 4408,
  replaced: 4409,
  protocolVersion: 4426,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Formats a zod error as short `path: message` lines, for humans and for `errors`. */
export function describeZodError(error: z.ZodError): Array<{ path: string; message: string }> {
  return error.issues.map((issue) => ({
    path: issue.path.length === 0 ? "(root)" : issue.path.map(String).join("."),
    message: issue.message,
  }));
}
