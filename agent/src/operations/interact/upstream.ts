/**
 * The errors of talking to a running NAT app, all `upstream_error`: the app
 * could not be reached, answered badly, reported an error, or took too long.
 */
import type { Json } from "@att/shared";
import { OperationError } from "../errors.ts";
import type { NatError } from "./nat-wire.ts";

const EXCERPT_CHARS = 500;

/** The start of a body, enough to recognise it without flooding an error. */
export function excerpt(text: string): string {
  return text.length <= EXCERPT_CHARS ? text : `${text.slice(0, EXCERPT_CHARS)}… (${text.length} characters)`;
}

/** `JSON.parse` without throwing; the value is unknown until a schema parses it. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

export function unreachable(url: string, error: unknown): OperationError {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new OperationError("upstream_error", `could not reach the app at ${url}: ${reason}`, { url, reason });
}

export function badStatus(url: string, status: number, body: string): OperationError {
  return new OperationError("upstream_error", `the app answered HTTP ${status} on ${url}`, {
    url,
    status,
    body: excerpt(body),
  });
}

export function unreadable(url: string, what: string, body: string, issue?: string): OperationError {
  const details: { [key: string]: Json } = { url, body: excerpt(body) };
  if (issue !== undefined) details.issue = issue;
  return new OperationError("upstream_error", `the app sent ${what} that ATT cannot read on ${url}`, details);
}

/** An error NAT reported itself (an `error_message`, or an error line in a stream). */
export function natReported(error: NatError): OperationError {
  const details = typeof error.details === "string" ? error.details : JSON.stringify(error.details ?? null);
  const message = details !== "" && details !== "null" ? `${error.message}: ${details}` : error.message;
  return new OperationError("upstream_error", `the workflow failed (${error.code}): ${message}`, {
    code: error.code,
    message: error.message,
    details: excerpt(details),
  });
}

export function timedOut(url: string, timeoutMs: number): OperationError {
  return new OperationError("upstream_error", `the app did not answer within ${timeoutMs / 1000} s on ${url}`, {
    url,
    timeoutMs,
    reason: "timeout",
  });
}

/** The workflow waits for a human answer, which only an interactive client (the UI) can give. */
export function humanInputRequired(prompt: string | null, details: { [key: string]: Json }): OperationError {
  return new OperationError(
    "upstream_error",
    `the workflow asked for human input: ${prompt ?? "(see the app)"}; answer it in the UI`,
    { reason: "human_input_required", ...details },
  );
}
