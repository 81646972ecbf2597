/**
 * The operations the control plane may ask the agent to perform, each with
 * its params and result schema. This is the allow-list: a request naming any
 * other method is refused by both sides.
 */
import { z } from "zod";
import { AgentEvent, Id, Project, Timestamp } from "./models.ts";

export const PingParams = z.object({ payload: z.string().max(1024).default("") });
export const PingResult = z.object({ payload: z.string(), agentTime: Timestamp });

export const ProjectsListParams = z.object({});
export const ProjectsListResult = z.object({ projects: z.array(Project) });

export const ProjectsGetParams = z.object({ projectId: Id });
export const ProjectsGetResult = z.object({ project: Project });

export const MAX_DIAGNOSTIC_EVENTS = 10_000;
export const EmitEventsParams = z.object({
  projectId: Id,
  count: z.number().int().min(1).max(MAX_DIAGNOSTIC_EVENTS),
});
export const EmitEventsResult = z.object({
  emitted: z.number().int(),
  firstEventId: AgentEvent.shape.id,
  lastEventId: AgentEvent.shape.id,
});

export const AGENT_METHODS = {
  "agent.ping": { params: PingParams, result: PingResult },
  "projects.list": { params: ProjectsListParams, result: ProjectsListResult },
  "projects.get": { params: ProjectsGetParams, result: ProjectsGetResult },
  "diagnostics.emitEvents": { params: EmitEventsParams, result: EmitEventsResult },
} as const;

export type AgentMethod = keyof typeof AGENT_METHODS;
export const AgentMethod = z.enum(Object.keys(AGENT_METHODS) as [AgentMethod, ...AgentMethod[]]);
export type MethodParams<M extends AgentMethod> = z.input<(typeof AGENT_METHODS)[M]["params"]>;
export type MethodResult<M extends AgentMethod> = z.infer<(typeof AGENT_METHODS)[M]["result"]>;

/**
 * The result schema of one method, typed by that method. TypeScript cannot
 * narrow the table's union by a generic key, so the one widening lives here.
 */
export function resultSchemaOf<M extends AgentMethod>(method: M): z.ZodType<MethodResult<M>> {
  return AGENT_METHODS[method].result as unknown as z.ZodType<MethodResult<M>>;
}
