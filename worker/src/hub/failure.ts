/**
 * Why a health check failed, in words a user can act on: the connection
 * error, the HTTP status with the server's answer, or the JSON-RPC error, with
 * the MCP step it happened at. Header values never appear here: they are only
 * ever in the requests, and these messages are built from the answers.
 */
import { StreamableHTTPError } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";

const MAX_REASON = 500;

/** The check ran out of time; the abort reason of its deadline. */
export class CheckTimeout extends Error {
  constructor(timeoutMs: number) {
    super(`no answer within ${timeoutMs / 1000} s`);
    this.name = "CheckTimeout";
  }
}

/** fetch itself failed: nothing answered at the HTTP level. */
export class ConnectionFailed extends Error {
  constructor(target: string, cause: unknown) {
    super(`cannot connect to ${target}: ${connectionReason(cause)}`);
    this.name = "ConnectionFailed";
  }
}

/** A failure at one step of the check (initialize, tools/list, resources/list). */
export class StepFailed extends Error {
  readonly step: string;
  constructor(step: string, cause: unknown) {
    super(`${step}: ${describe(cause)}`, { cause });
    this.step = step;
    this.name = "StepFailed";
  }
}

/** workerd reports a refused or reset connection as "Network connection lost." and a failed DNS lookup as an opaque internal error. */
function connectionReason(cause: unknown): string {
  const text = messageOf(cause);
  const code = cause instanceof Error && cause.cause instanceof Error ? messageOf(cause.cause) : "";
  const all = `${text} ${code} ${codeOf(cause)}`;
  if (/ECONNREFUSED|refused|connection lost/i.test(all)) return "connection refused or lost";
  if (/ENOTFOUND|EAI_AGAIN|lookup|internal error/i.test(all)) return "unknown host, or the address is not reachable";
  return text;
}

function codeOf(error: unknown): string {
  if (!(error instanceof Error) || !(error.cause instanceof Object) || !("code" in error.cause)) return "";
  return String(error.cause.code);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One line, at most MAX_REASON characters. */
export function describe(error: unknown): string {
  let text: string;
  if (error instanceof StepFailed || error instanceof CheckTimeout || error instanceof ConnectionFailed) {
    text = error.message;
  } else if (error instanceof McpError) {
    text = `JSON-RPC error ${error.code}: ${error.message.replace(/^(MCP error -?\d+: )+/, "")}`;
  } else if (error instanceof StreamableHTTPError) {
    const detail = error.message.replace(/^Streamable HTTP error: (Error POSTing to endpoint: )?/, "");
    text = error.code === undefined || error.code < 0 ? detail : `HTTP ${error.code}: ${detail}`;
  } else {
    text = messageOf(error);
  }
  const line = text.replace(/\s+/g, " ").trim() || "unknown error";
  return line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line;
}
