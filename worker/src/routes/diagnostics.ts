/**
 * Link diagnostics: a round trip to the agent, and a burst of events from it.
 * They let a user (and the tests and benchmarks) check the whole path.
 */
import {
  EmitEventsRequest,
  EmitEventsResponse,
  PingRequest,
  type PingRequest as PingRequestBody,
  PingResponse,
  ProjectIdParam,
} from "@att/shared";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../env.ts";
import { needs } from "../http/roles.ts";
import { agentErrorResponses, bearerSecurity, callAgent, notFoundResponse, workspaceOf } from "./common.ts";

const ping = createRoute({
  method: "post",
  path: "/api/v1/agent/ping",
  ...needs("viewer"),
  tags: ["agent"],
  summary: "Round trip through the agent, or to the Durable Object alone",
  security: bearerSecurity,
  request: { body: { content: { "application/json": { schema: PingRequest } }, required: false } },
  responses: {
    200: { description: "The agent's echo", content: { "application/json": { schema: PingResponse } } },
    ...agentErrorResponses,
  },
});

const emit = createRoute({
  method: "post",
  path: "/api/v1/projects/{id}/diagnostics/events",
  ...needs("editor"),
  tags: ["agent"],
  summary: "Have the agent emit a burst of `diagnostic` events for a project",
  description: "The agent writes the events to its durable outbox before answering, then streams them in order.",
  security: bearerSecurity,
  request: {
    params: ProjectIdParam,
    body: { content: { "application/json": { schema: EmitEventsRequest } }, required: true },
  },
  responses: {
    200: { description: "Events queued", content: { "application/json": { schema: EmitEventsResponse } } },
    ...notFoundResponse,
    ...agentErrorResponses,
  },
});

export function registerDiagnostics(app: OpenAPIHono<AppBindings>): void {
  app.openapi(ping, async (c) => {
    const started = Date.now();
    // The body is optional: without one the validator hands over an empty object.
    const { payload = "", target = "agent" } = c.req.valid("json") as Partial<PingRequestBody>;
    const answeredAt =
      target === "agent" ? (await callAgent(c, "agent.ping", { payload })).agentTime : await workspaceOf(c).now();
    return c.json({ payload, answeredBy: target, answeredAt, roundTripMs: Date.now() - started }, 200);
  });
  app.openapi(emit, async (c) => {
    const { id } = c.req.valid("param");
    const { count } = c.req.valid("json");
    return c.json(await callAgent(c, "diagnostics.emitEvents", { projectId: id, count }), 200);
  });
}
