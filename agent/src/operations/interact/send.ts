/**
 * runtime.send: one message to the project's running NAT app, by WebSocket
 * or one of its HTTP routes; the exchange is stored as a trace. Over the
 * WebSocket it is also reported live as runtime.chat.* events, and with
 * `interactive` its questions wait for runtime.respond.
 */
import type { MethodResult, ParsedParams, RuntimeStatus } from "@att/shared";
import type { Operation, OperationContext } from "../context.ts";
import { saveTrace } from "../debug/traces/store.ts";
import { summarizeSteps } from "../debug/traces/summary.ts";
import { OperationError } from "../errors.ts";
import { chatHooks, wireError } from "./chat.ts";
import { ChatEvents } from "./chat-events.ts";
import { sendToNat } from "./client.ts";
import { type Exchanges, exchangesOf } from "./exchanges.ts";

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

type SendParams = ParsedParams<"runtime.send">;

interface Running {
  baseUrl: string;
  exchangeId: string;
  exchanges: Exchanges;
  events: ChatEvents | null;
}

/** Sends the message, stores the trace and returns the result. */
async function exchange(
  params: SendParams,
  context: OperationContext,
  run: Running,
): Promise<MethodResult<"runtime.send">> {
  const createdAt = new Date().toISOString();
  const started = performance.now();
  const hooks =
    run.events === null
      ? undefined
      : chatHooks({
          events: run.events,
          exchanges: run.exchanges,
          interactive: params.interactive,
          promptTimeoutSeconds: params.promptTimeoutSeconds,
        });
  const answer = await sendToNat({
    baseUrl: run.baseUrl,
    via: params.via,
    message: params.message,
    conversationId: params.conversationId ?? null,
    timeoutMs: params.timeoutSeconds * 1000,
    ...(hooks === undefined ? {} : { hooks }),
  });
  const durationMs = performance.now() - started;
  const traceId = crypto.randomUUID();
  saveTrace(context.db, {
    id: traceId,
    projectId: params.projectId,
    source: "runtime.send",
    input: params.message,
    output: answer.text,
    createdAt,
    durationMs,
    steps: answer.steps,
    summary: { via: params.via, ...summarizeSteps(answer.steps, durationMs) },
  });
  return {
    exchangeId: run.exchangeId,
    text: answer.text,
    steps: answer.steps,
    traceId,
    conversationId: answer.conversationId,
    durationMs,
    raw: answer.raw,
  };
}

export const runtimeSend: Operation<"runtime.send"> = async (params, context) => {
  await context.catalog.get(params.projectId); // not_found for an unknown project
  if (params.interactive && params.via !== "websocket")
    throw new OperationError(
      "bad_request",
      `interactive needs via websocket (NAT asks questions on its WebSocket), not ${params.via}`,
    );
  const baseUrl = appUrl(context.runtime.status(params.projectId));
  const exchangeId = params.exchangeId ?? crypto.randomUUID();
  const exchanges = exchangesOf(context);
  exchanges.begin(params.projectId, exchangeId);
  const events =
    params.via === "websocket" ? new ChatEvents({ context, projectId: params.projectId, exchangeId }) : null;
  const started = performance.now();
  try {
    const result = await exchange(params, context, { baseUrl, exchangeId, exchanges, events });
    exchanges.end(exchangeId, "completed");
    events?.emit("runtime.chat.done", {
      exchangeId,
      status: "completed",
      traceId: result.traceId,
      durationMs: result.durationMs,
    });
    return result;
  } catch (error) {
    exchanges.end(exchangeId, "failed");
    events?.emit("runtime.chat.done", {
      exchangeId,
      status: "failed",
      error: wireError(error),
      durationMs: performance.now() - started,
    });
    throw error;
  }
};
