/**
 * The agent's operations, one per protocol method. The link only calls what
 * is listed here, with params already validated against the method's schema.
 */
import type { AgentEvent, AgentMethod, MethodParams, MethodResult } from "@att/shared";
import type { Outbox } from "../state/outbox.ts";
import { OperationError } from "./errors.ts";
import type { ProjectCatalog } from "./projects.ts";

export interface OperationContext {
  catalog: ProjectCatalog;
  outbox: Outbox;
  /** Wakes the link so newly queued events go out at once. */
  eventsQueued: () => void;
}

type Operations = {
  [M in AgentMethod]: (params: MethodParams<M>, context: OperationContext) => Promise<MethodResult<M>>;
};

export const operations: Operations = {
  "agent.ping": async (params) => ({ payload: params.payload ?? "", agentTime: new Date().toISOString() }),

  "projects.list": async (_params, { catalog }) => ({ projects: await catalog.list() }),

  "projects.get": async ({ projectId }, { catalog }) => ({ project: await catalog.get(projectId) }),

  "diagnostics.emitEvents": async ({ projectId, count }, { catalog, outbox, eventsQueued }) => {
    await catalog.get(projectId); // throws not_found for an unknown project
    const burst = crypto.randomUUID();
    const events: AgentEvent[] = Array.from({ length: count }, (_, index) => ({
      id: crypto.randomUUID(),
      projectId,
      type: "diagnostic",
      payload: { burst, index, count },
      timestamp: new Date().toISOString(),
      actor: "agent",
    }));
    outbox.enqueue(events);
    eventsQueued();
    const first = events[0];
    const last = events.at(-1);
    if (first === undefined || last === undefined) throw new OperationError("internal", "empty burst");
    return { emitted: count, firstEventId: first.id, lastEventId: last.id };
  },
};
