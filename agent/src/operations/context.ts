/** What every operation receives: the agent's state and a way to report events. */
import type { AgentEvent, AgentMethod, EventType, Json, MethodResult, ParsedParams } from "@att/shared";
import type { AgentConfig } from "../config.ts";
import type { AgentDb } from "../state/db.ts";
import type { Outbox } from "../state/outbox.ts";
import type { ProjectCatalog } from "./projects.ts";
import type { RuntimeControl } from "./runtime/control.ts";

export interface OperationContext {
  config: AgentConfig;
  db: AgentDb;
  catalog: ProjectCatalog;
  outbox: Outbox;
  /** The managed NAT app (one at a time). */
  runtime: RuntimeControl;
  /** Wakes the link so newly queued events go out at once. */
  eventsQueued: () => void;
}

export type Operation<M extends AgentMethod> = (
  params: ParsedParams<M>,
  context: OperationContext,
) => Promise<MethodResult<M>>;

/** A family's operations: exactly the methods named by `M`. */
export type Operations<M extends AgentMethod> = { [K in M]: Operation<K> };

/** Events travel one per link frame; an oversized payload is replaced by a note of what it held. */
const MAX_EVENT_PAYLOAD_BYTES = 256 * 1024;
function fitPayload(payload: { [key: string]: Json }): { [key: string]: Json } {
  const bytes = Buffer.byteLength(JSON.stringify(payload));
  if (bytes <= MAX_EVENT_PAYLOAD_BYTES) return payload;
  return { truncated: true, bytes, keys: Object.keys(payload).slice(0, 50) };
}

/** Queues one event in the durable outbox and wakes the link. */
export function emitEvent(
  context: OperationContext,
  event: { projectId: string; type: EventType; payload: { [key: string]: Json }; actor?: string },
): AgentEvent {
  const full: AgentEvent = {
    id: crypto.randomUUID(),
    projectId: event.projectId,
    type: event.type,
    payload: fitPayload(event.payload),
    timestamp: new Date().toISOString(),
    actor: event.actor ?? "agent",
  };
  context.outbox.enqueue([full]);
  context.eventsQueued();
  return full;
}
