/** What every operation receives: the agent's state and a way to report events. */
import type { AgentEvent, AgentMethod, EventType, Json, MethodResult, ParsedParams } from "@att/shared";
import type { AgentConfig } from "../config.ts";
import type { AgentDb } from "../state/db.ts";
import type { Outbox } from "../state/outbox.ts";
import type { ProjectCatalog } from "./projects.ts";

export interface OperationContext {
  config: AgentConfig;
  db: AgentDb;
  catalog: ProjectCatalog;
  outbox: Outbox;
  /** Wakes the link so newly queued events go out at once. */
  eventsQueued: () => void;
}

export type Operation<M extends AgentMethod> = (
  params: ParsedParams<M>,
  context: OperationContext,
) => Promise<MethodResult<M>>;

/** A family's operations: exactly the methods named by `M`. */
export type Operations<M extends AgentMethod> = { [K in M]: Operation<K> };

/** Queues one event in the durable outbox and wakes the link. */
export function emitEvent(
  context: OperationContext,
  event: { projectId: string; type: EventType; payload: { [key: string]: Json }; actor?: string },
): AgentEvent {
  const full: AgentEvent = {
    id: crypto.randomUUID(),
    projectId: event.projectId,
    type: event.type,
    payload: event.payload,
    timestamp: new Date().toISOString(),
    actor: event.actor ?? "agent",
  };
  context.outbox.enqueue([full]);
  context.eventsQueued();
  return full;
}
