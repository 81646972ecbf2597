/**
 * Why a stdio MCP request failed, in one line a user can act on: the server
 * exited (with the end of its stderr), could not be started, did not answer
 * in time, or answered with a JSON-RPC error; each named by its MCP step.
 */
import { ErrorCode, McpError } from "@modelcontextprotocol/sdk/types.js";
import { OperationError } from "../errors.ts";
import type { GroupStdioTransport } from "./transport.ts";

const MAX_REASON = 500;

/** A failure at one MCP step (initialize, tools/list, ...). */
export class StepFailed extends Error {
  constructor(step: string, cause: unknown) {
    super(step, { cause });
    this.name = "StepFailed";
  }
}

export async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StepFailed(name, error);
  }
}

/** The error an operation throws for a failed request, its message free of the env's secret values. */
export function upstreamError(options: {
  error: unknown;
  transport: GroupStdioTransport | null;
  command: string;
  timeoutMs: number;
  secrets: Readonly<Record<string, string>>;
}): OperationError {
  const { error, transport } = options;
  const stepName = error instanceof StepFailed ? error.message : null;
  const cause = error instanceof StepFailed ? error.cause : error;
  const reason = transport?.exitReason() ?? describe(cause, options);
  const text = withoutSecrets(stepName === null ? reason : `${stepName}: ${reason}`, options.secrets);
  const line = text.replace(/\s+/g, " ").trim() || "unknown error";
  return new OperationError("upstream_error", line.length > MAX_REASON ? `${line.slice(0, MAX_REASON - 1)}…` : line);
}

function describe(error: unknown, options: { command: string; timeoutMs: number }): string {
  if (error instanceof McpError) {
    if (error.code === ErrorCode.RequestTimeout) return `no answer within ${options.timeoutMs / 1000} s`;
    return `JSON-RPC error ${error.code}: ${error.message.replace(/^(MCP error -?\d+: )+/, "")}`;
  }
  if (error instanceof Error && "code" in error && error.code === "ENOENT") {
    return `cannot start '${options.command}': no such program on the agent's PATH`;
  }
  if (error instanceof Error && "code" in error && error.code === "EACCES") {
    return `cannot start '${options.command}': permission denied`;
  }
  return error instanceof Error ? error.message : String(error);
}

function withoutSecrets(text: string, secrets: Readonly<Record<string, string>>): string {
  let clean = text;
  for (const value of Object.values(secrets)) if (value.length >= 4) clean = clean.split(value).join("****");
  return clean;
}
