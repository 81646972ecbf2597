/** Bodies and query strings of the REST API (`/api/v1`). */
import { z } from "zod";
import { Capabilities } from "./frames.ts";
import { MAX_DIAGNOSTIC_EVENTS } from "./methods.ts";
import { EventType, Id, Project, StoredEvent, Timestamp } from "./models.ts";

export const HealthResponse = z
  .object({
    status: z.literal("ok"),
    version: z.string(),
    build: z.string().nullable().meta({
      description: "The commit this control plane was started from by the launcher (ATT_BUILD); null otherwise.",
    }),
    protocolVersion: z.number().int(),
    agent: z.object({
      connected: z.boolean(),
      agentId: Id.nullable(),
      connectedAt: Timestamp.nullable(),
      lastHeartbeatAt: Timestamp.nullable(),
      capabilities: Capabilities.nullable(),
    }),
  })
  .meta({ id: "Health" });
export type HealthResponse = z.infer<typeof HealthResponse>;

export const ProjectListResponse = z.object({ projects: z.array(Project) }).meta({ id: "ProjectList" });
export const ProjectResponse = z.object({ project: Project }).meta({ id: "ProjectResponse" });

export const ProjectIdParam = z.object({ id: Id });

export const MAX_EVENTS_PAGE = 1000;
const intFromQuery = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

export const EventsQuery = z.object({
  after: intFromQuery(0, Number.MAX_SAFE_INTEGER)
    .default(0)
    .meta({ description: "Return events with a sequence number greater than this." }),
  limit: intFromQuery(1, MAX_EVENTS_PAGE).default(100),
  type: z
    .union([EventType, z.array(EventType)])
    .optional()
    .meta({ description: "Only events of this type (repeat for several)." }),
  since: Timestamp.optional().meta({ description: "Only events at or after this time." }),
  until: Timestamp.optional().meta({ description: "Only events before this time." }),
  before: intFromQuery(1, Number.MAX_SAFE_INTEGER)
    .optional()
    .meta({ description: "Only events with a sequence number below this: pages backwards with order=desc." }),
  order: z.enum(["asc", "desc"]).default("asc").meta({
    description:
      "asc: the oldest matching events first (read forwards with `after`); desc: the newest matching events first (read backwards with `before`).",
  }),
});
export type EventsQuery = z.infer<typeof EventsQuery>;

export const EventListResponse = z
  .object({
    events: z.array(StoredEvent),
    nextAfter: z.number().int().min(0).meta({
      description:
        "The highest seq in this page (`after` when it is empty). asc: pass it as `after` to read the next page. desc: pass it as `after` (an asc read or the WebSocket) to follow events newer than this page.",
    }),
    hasMore: z.boolean().meta({
      description:
        "asc: more matching events follow this page (newer). desc: more matching events precede it (older, still above `after`): read them with `before` set to the seq of this page's last event.",
    }),
  })
  .meta({ id: "EventList" });
export type EventListResponse = z.infer<typeof EventListResponse>;

export const StreamQuery = z.object({
  after: intFromQuery(0, Number.MAX_SAFE_INTEGER)
    .default(0)
    .meta({ description: "Replay events after this sequence number, then stream live." }),
  tail: intFromQuery(0, MAX_EVENTS_PAGE).optional().meta({
    description:
      "Replay only the newest `tail` events (after `after`), oldest of them first, instead of all of them; 0 streams live events only.",
  }),
});

export const PingTarget = z
  .enum(["agent", "control-plane"])
  .meta({ description: "Who answers: the agent (the full path) or the workspace Durable Object alone." });
export const PingRequest = z
  .object({ payload: z.string().max(1024).default(""), target: PingTarget.default("agent") })
  .meta({ id: "PingRequest" });
export type PingRequest = z.infer<typeof PingRequest>;
export const PingResponse = z
  .object({ payload: z.string(), answeredBy: PingTarget, answeredAt: Timestamp, roundTripMs: z.number() })
  .meta({ id: "PingResponse" });

export const EmitEventsRequest = z
  .object({ count: z.number().int().min(1).max(MAX_DIAGNOSTIC_EVENTS) })
  .meta({ id: "EmitEventsRequest" });
export const EmitEventsResponse = z
  .object({ emitted: z.number().int(), firstEventId: z.uuid(), lastEventId: z.uuid() })
  .meta({ id: "EmitEventsResponse" });
