/** A project's event log: paged reads, and a WebSocket that replays then streams live. */
import { EventListResponse, EventsQuery, ProjectIdParam, StreamQuery } from "@att/shared";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { AppBindings } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import { needs } from "../http/roles.ts";
import { bearerSecurity, errorResponses, notFoundResponse, requestIdOf, unwrap, workspaceOf } from "./common.ts";

const list = createRoute({
  method: "get",
  path: "/api/v1/projects/{id}/events",
  ...needs("viewer"),
  tags: ["events"],
  summary: "Read a project's events in sequence order (oldest or newest first)",
  security: bearerSecurity,
  request: { params: ProjectIdParam, query: EventsQuery },
  responses: {
    200: { description: "A page of events", content: { "application/json": { schema: EventListResponse } } },
    ...notFoundResponse,
    ...errorResponses,
  },
});

const stream = createRoute({
  method: "get",
  path: "/api/v1/projects/{id}/ws",
  ...needs("viewer"),
  tags: ["events"],
  summary: "Stream a project's events over WebSocket",
  description:
    "Upgrade to a WebSocket. Replays every event after `after` as `{type:'event'}` frames, sends `{type:'ready'}`, then streams live events. " +
    "With `tail`, replays only the newest `tail` of them (oldest first); `tail=0` replays nothing and streams live events only. " +
    "Resume by reconnecting with `after` set to the last `seq` you saw: no gap, no duplicate. Browsers send the token as the subprotocol `att.bearer.<token>` next to `att.v1`.",
  security: bearerSecurity,
  request: { params: ProjectIdParam, query: StreamQuery },
  responses: {
    101: { description: "Switching protocols" },
    426: { description: "Not a WebSocket upgrade request" },
    ...notFoundResponse,
    ...errorResponses,
  },
});

export function registerEvents(app: OpenAPIHono<AppBindings>): void {
  app.openapi(list, async (c) => {
    const { id } = c.req.valid("param");
    const result = unwrap(await workspaceOf(c).listEvents(id, c.req.valid("query")));
    return c.json(result, 200);
  });
  app.openapi(stream, async (c) => {
    if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
      throw new ApiError("bad_request", "this route needs a WebSocket upgrade (Upgrade: websocket)");
    }
    const { id } = c.req.valid("param");
    const { after, tail } = c.req.valid("query");
    const tailParam = tail === undefined ? "" : `&tail=${tail}`;
    const url = `https://workspace/projects/${encodeURIComponent(id)}/subscribe?after=${after}${tailParam}`;
    const headers = new Headers(c.req.raw.headers);
    headers.set("x-request-id", requestIdOf(c));
    return workspaceOf(c).fetch(new Request(url, { headers }));
  });
}
