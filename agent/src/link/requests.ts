/**
 * Turning requests into answers: validated params go to the operation, and
 * every failure becomes a response frame with a stable code, never a crash.
 */
import {
  AgentMethod as AgentMethodSchema,
  isOverFrameLimit,
  type Json,
  MAX_FRAME_BYTES,
  type RequestFrame,
  RequestId,
  type ResponseFrame,
  type WireError,
} from "@att/shared";
import { log } from "../log.ts";
import { OperationError } from "../operations/errors.ts";
import { type OperationContext, operations } from "../operations/index.ts";
import { stringifyRedacted } from "../security/redact.ts";

export type AnyResponseFrame = ResponseFrame;

export async function executeRequest(frame: RequestFrame, context: OperationContext): Promise<AnyResponseFrame> {
  return fitToFrame(await answer(frame, context), frame.method);
}

async function answer(frame: RequestFrame, context: OperationContext): Promise<AnyResponseFrame> {
  try {
    // The frame's method and params were validated together; TypeScript cannot
    // correlate the two across the union, so the lookup is widened once here.
    const run = operations[frame.method] as (
      params: RequestFrame["params"],
      context: OperationContext,
    ) => Promise<Json>;
    const result = await run(frame.params, context);
    return { type: "response", id: frame.id, ok: true, result };
  } catch (error) {
    if (error instanceof OperationError) {
      const wire: WireError = { code: error.code, message: error.message };
      if (error.details !== undefined) wire.details = error.details;
      return { type: "response", id: frame.id, ok: false, error: wire };
    }
    log("error", "operation failed", { method: frame.method, error: (error as Error).message });
    return {
      type: "response",
      id: frame.id,
      ok: false,
      error: { code: "internal", message: `${frame.method} failed on the agent: ${(error as Error).message}` },
    };
  }
}

const MAX_MESSAGE_CHARS = 4000;

/**
 * An answer must fit the protocol: an oversized frame would make the control
 * plane close the link (1009) and the stored answer would be resent forever.
 * A too-large result becomes a payload_too_large error the caller can act on;
 * an error keeps its code but loses its details and long message tail.
 */
function fitToFrame(response: AnyResponseFrame, method: string): AnyResponseFrame {
  let fitted = response;
  if (!fitted.ok && fitted.error.message.length > MAX_MESSAGE_CHARS) {
    fitted = { ...fitted, error: { ...fitted.error, message: `${fitted.error.message.slice(0, MAX_MESSAGE_CHARS)}…` } };
  }
  // Measured as the link will send it: redaction can lengthen a short secret.
  if (!isOverFrameLimit(stringifyRedacted(fitted))) return fitted;
  if (!fitted.ok) return { ...fitted, error: { code: fitted.error.code, message: fitted.error.message } };
  return {
    type: "response",
    id: fitted.id,
    ok: false,
    error: {
      code: "payload_too_large",
      message: `the answer to ${method} is larger than the link's ${MAX_FRAME_BYTES}-byte frame limit; narrow the request (a smaller limit, a subdirectory, or paging)`,
    },
  };
}

/**
 * A frame that looks like a request but fails the protocol still deserves an
 * answer, so the caller gets a clear error instead of a timeout.
 */
export function rejectMalformedRequest(text: string, error: WireError): AnyResponseFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || !("type" in value) || value.type !== "request") return null;
  const id = RequestId.safeParse("id" in value ? value.id : undefined);
  if (!id.success) return null;
  const method = "method" in value ? value.method : undefined;
  const known = AgentMethodSchema.safeParse(method).success;
  const answer: WireError = known
    ? error
    : { code: "unknown_method", message: `the agent has no method '${String(method)}'` };
  return { type: "response", id: id.data, ok: false, error: answer };
}
