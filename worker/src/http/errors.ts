/**
 * The app's single error handler and validation hook: every failure leaves as
 * problem+json with a stable code; details are logged, stacks never returned.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ZodError } from "zod";
import type { AppBindings } from "../env.ts";
import { log } from "../log.ts";
import { ApiError, problemBody, problemResponse } from "./api-error.ts";

type AppContext = Context<AppBindings>;

function respond(c: AppContext, error: ApiError): Response {
  const requestId = c.get("requestId");
  const headers: Record<string, string> = { "x-request-id": requestId };
  if (error.code === "unauthorized") headers["www-authenticate"] = 'Bearer realm="att"';
  Object.assign(headers, error.headers);
  const body = problemBody({
    code: error.code,
    detail: error.message,
    instance: c.req.path,
    requestId,
    ...(error.issues ? { errors: error.issues } : {}),
    ...(error.details !== undefined ? { details: error.details } : {}),
  });
  return problemResponse(body, headers);
}

export function onError(err: Error, c: AppContext): Response {
  if (err instanceof ApiError) return respond(c, err);
  if (err instanceof HTTPException) {
    // Hono raises these for malformed JSON and similar request faults.
    const malformed = err.status === 400 && /json/i.test(err.message);
    const code = malformed ? "invalid_json" : err.status === 413 ? "payload_too_large" : "bad_request";
    return respond(c, new ApiError(code, malformed ? "the request body is not valid JSON" : err.message));
  }
  log("error", "unhandled error", { requestId: c.get("requestId"), path: c.req.path, error: err.message });
  return respond(
    c,
    new ApiError("internal", "something went wrong on our side; the request id identifies it in the logs"),
  );
}

export function onNotFound(c: AppContext): Response {
  return respond(c, new ApiError("not_found", `no route for ${c.req.method} ${c.req.path}`));
}

/** zod-openapi's hook: a request that fails its schema gets 422 with every issue listed. */
export function validationHook(
  result: { success: true } | { success: false; error: ZodError; target?: string },
  c: AppContext,
): Response | undefined {
  if (result.success) return undefined;
  return respond(c, ApiError.invalid(result.error, "target" in result && result.target ? result.target : "request"));
}
