/**
 * runtime.send: one message to the project's running NAT app, by WebSocket
 * or one of its HTTP routes; the exchange is stored as a trace.
 */
import type { RuntimeStatus } from "@att/shared";
import type { Operation } from "../context.ts";
import { saveTrace } from "../debug/traces/store.ts";
import { summarizeSteps } from "../debug/traces/summary.ts";
import { OperationError } from "../errors.ts";
import { sendToNat } from "./client.ts";

/** The app's URL when it can take a message; why not otherwise. */
function appUrl(status: RuntimeStatus): string {
  const up = status.state === "running" || status.state === "unhealthy";
  if (!up || status.url === null)
    throw new OperationError(
      "conflict",
      `the project's app is not running (${status.state}); start it with runtime.start`,
      {
        reason: "not_running",
        state: status.state,
      },
    );
  if (status.kind === "mcp")
    throw new OperationError(
      "bad_request",
      "the project's app runs as an MCP server (nat mcp serve): it speaks MCP at /mcp, so use an MCP client; runtime.send needs an app started with kind serve",
      { reason: "mcp_runtime", url: `${status.url}/mcp` },
    );
  return status.url;
}

export const runtimeSend: Operation<"runtime.send"> = async (params, context) => {
  await context.catalog.get(params.projectId); // not_found for an unknown project
  const baseUrl = appUrl(context.runtime.status(params.projectId));
  const createdAt = new Date().toISOString();
  const started = performance.now();
  const exchange = await sendToNat({
    baseUrl,
    via: params.via,
    message: params.message,
    conversationId: params.conversationId ?? null,
    timeoutMs: params.timeoutSeconds * 1000,
  });
  const durationMs = performance.now() - started;
  const traceId = crypto.randomUUID();
  saveTrace(context.db, {
    id: traceId,
    projectId: params.projectId,
    source: "runtime.send",
    input: params.message,
    output: exchange.text,
    createdAt,
    durationMs,
    steps: exchange.steps,
    summary: { via: params.via, ...summarizeSteps(exchange.steps, durationMs) },
  });
  return {
    text: exchange.text,
    steps: exchange.steps,
    traceId,
    conversationId: exchange.conversationId,
    durationMs,
    raw: exchange.raw,
  };
};
