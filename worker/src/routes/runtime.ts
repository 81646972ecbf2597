/**
 * The managed NAT app of a project (`nat serve` or `nat mcp serve` under the
 * agent), its logs, messages to it, and what the debugger reads: parsed
 * errors, filtered logs and workflow traces.
 */
import {
  DebugErrorsParams,
  LogLevel,
  LogStream,
  MAX_LOG_PAGE,
  RuntimeLogsParams,
  RuntimeRespondParams,
  RuntimeRestartParams,
  RuntimeSendParams,
  RuntimeStartParams,
  RuntimeStopParams,
  Timestamp,
} from "@att/shared";
import type { OpenAPIHono } from "@hono/zod-openapi";
import { z } from "zod";
import type { AppBindings } from "../env.ts";
import { operationRoute, queryBool, queryInt } from "./operation-route.ts";

const RUNTIME = "runtime";
const DEBUG = "debug";

const LogsQuery = z.object({
  after: queryInt(0, Number.MAX_SAFE_INTEGER).optional(),
  limit: queryInt(1, MAX_LOG_PAGE).optional(),
  tail: queryBool.optional(),
  stream: LogStream.optional(),
  minLevel: LogLevel.optional(),
  since: Timestamp.optional(),
  until: Timestamp.optional(),
  pattern: RuntimeLogsParams.shape.pattern,
});
const ErrorsQuery = z.object({ limit: queryInt(1, 500).optional(), since: DebugErrorsParams.shape.since });
const TracesQuery = z.object({ limit: queryInt(1, 100).optional() });

export function registerRuntime(app: OpenAPIHono<AppBindings>): void {
  const base = "/api/v1/projects/{id}";
  operationRoute(app, {
    verb: "post",
    path: `${base}/runtime/start`,
    tag: RUNTIME,
    summary: "Validate the NAT config and start the app; answers once GET /health is 200",
    description:
      "One app runs at a time: starting one stops the other. Errors: 422 with NAT's message for a bad config, 412 when `nat` is missing, 409 when the port is taken or the app already runs, 502 when it exits or stays unhealthy.",
    operation: "runtime.start",
    body: RuntimeStartParams.omit({ projectId: true }),
    bodyExample: { kind: "serve", env: { LOG_LEVEL: "INFO" } },
    errors: [404, 409, 412, 422],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/runtime/stop`,
    tag: RUNTIME,
    summary: "Stop the app: SIGTERM to its process group, SIGKILL after the grace period",
    operation: "runtime.stop",
    body: RuntimeStopParams.omit({ projectId: true }),
    bodyExample: { graceSeconds: 10 },
    errors: [404, 409],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/runtime/restart`,
    tag: RUNTIME,
    summary: "Stop the app and start it again with the same config and variables",
    operation: "runtime.restart",
    body: RuntimeRestartParams.omit({ projectId: true }),
    bodyExample: { graceSeconds: 10, readyTimeoutSeconds: 120 },
    errors: [404, 409, 412, 422],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/runtime/status`,
    tag: RUNTIME,
    summary: "State, pid, port, URL, uptime, last health probe and reason",
    operation: "runtime.status",
    errors: [404],
    toParams: ({ id }) => ({ projectId: id }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/runtime/logs`,
    tag: RUNTIME,
    summary: "Log lines by cursor: pass `nextCursor` back as `after`; live lines arrive as runtime.log events",
    operation: "runtime.logs",
    query: LogsQuery,
    errors: [400, 404],
    toParams: ({ id, query }) => ({ projectId: id, ...query }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/runtime/send`,
    tag: RUNTIME,
    summary: "Send a message to the running app (WebSocket or HTTP) and get its answer with intermediate steps",
    description:
      "Answers once the exchange is complete. Over the WebSocket the exchange is also reported live on the project's event stream: runtime.chat.delta (answer text, batched ~50 ms), runtime.chat.step (intermediate steps), runtime.chat.prompt (a question of the workflow) and runtime.chat.done, each carrying `exchangeId` (pass your own uuid to match them before this call returns). With `interactive: true` a question (HITL) waits for POST .../runtime/respond (up to NAT's prompt timeout or `promptTimeoutSeconds`) instead of failing at once. Errors: 409 when the app is not running or the exchange id was used, 502 when the app fails, times out or a question goes unanswered.",
    operation: "runtime.send",
    body: RuntimeSendParams.omit({ projectId: true }),
    bodyExample: { message: "Hello!", via: "websocket" },
    errors: [400, 404, 409],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "post",
    path: `${base}/runtime/respond`,
    tag: RUNTIME,
    summary: "Answer a question (HITL) an interactive runtime.send exchange waits on; the exchange then continues",
    description:
      "`exchangeId` and `interactionId` come from the runtime.chat.prompt event. Errors: 400 when the response does not fit the prompt (an unknown option, a list for a text prompt), 404 for an unknown exchange or interaction, 409 when the exchange already ended or the question was answered or expired.",
    operation: "runtime.respond",
    body: RuntimeRespondParams.omit({ projectId: true }),
    bodyExample: {
      exchangeId: "3b241101-e2bb-4255-8caf-4136c566a962",
      interactionId: "a7122007-8a20-48f6-98b4-8069a42f03c4",
      response: "yes",
    },
    errors: [400, 404, 409],
    toParams: ({ id, body }) => ({ projectId: id, ...body }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/debug/errors`,
    tag: DEBUG,
    summary: "Errors parsed from the app's logs (Python tracebacks, NAT messages), newest first, with counts",
    operation: "debug.errors",
    query: ErrorsQuery,
    errors: [404],
    toParams: ({ id, query }) => ({ projectId: id, ...query }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/debug/logs`,
    tag: DEBUG,
    summary: "Logs filtered by level, time range, stream and regex (the same reader as runtime/logs)",
    operation: "runtime.logs",
    query: LogsQuery,
    errors: [400, 404],
    toParams: ({ id, query }) => ({ projectId: id, ...query }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/debug/traces`,
    tag: DEBUG,
    summary: "Workflow traces (intermediate steps with timing and tokens), newest first",
    operation: "debug.traces",
    query: TracesQuery,
    errors: [404],
    toParams: ({ id, query }) => ({ projectId: id, ...query }),
  });
  operationRoute(app, {
    verb: "get",
    path: `${base}/debug/traces/{traceId}`,
    tag: DEBUG,
    summary: "One workflow trace",
    operation: "debug.traces",
    errors: [404],
    toParams: ({ id, params }) => ({ projectId: id, traceId: params.traceId }),
  });
}
