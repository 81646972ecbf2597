/**
 * The agent's operations, one per protocol method. The link only calls what
 * is listed here, with params already validated against the method's schema.
 */
import type { AgentEvent, AgentMethod } from "@att/shared";
import { codeOperations } from "./code/index.ts";
import type { Operations } from "./context.ts";
import { deployOperations } from "./deploy/index.ts";
import { OperationError } from "./errors.ts";
import { gitOperations } from "./git/index.ts";
import { interactOperations } from "./interact/index.ts";
import { mcpOperations } from "./mcp/index.ts";
import { projectOperations } from "./project-operations.ts";
import { runOperations } from "./runs/index.ts";
import { runtimeOperations } from "./runtime/index.ts";
import { selfOperations } from "./self/index.ts";
import { terminalOperations } from "./terminal/index.ts";

export type { OperationContext } from "./context.ts";

export const operations: Operations<AgentMethod> = {
  "agent.ping": async (params) => ({ payload: params.payload, agentTime: new Date().toISOString() }),

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

  ...projectOperations,
  ...codeOperations,
  ...gitOperations,
  ...interactOperations,
  ...runOperations,
  ...deployOperations,
  ...runtimeOperations,
  ...terminalOperations,
  ...mcpOperations,
  ...selfOperations,
};
