/**
 * The operations the control plane may ask the agent to perform, each with
 * its params and result schema. This is the allow-list: a request naming any
 * other method is refused by both sides.
 */
import { z } from "zod";
import { AgentEvent, Id, Timestamp } from "./models.ts";
import { CODE_METHODS } from "./ops/code.ts";
import { DEPLOY_METHODS } from "./ops/deploy.ts";
import { GIT_METHODS } from "./ops/git.ts";
import { MAX_MCP_CALL_TIMEOUT_MS, MCP_METHOD_MARGIN_MS, MCP_METHODS } from "./ops/mcp.ts";
import { PROJECT_METHODS } from "./ops/projects.ts";
import { RUN_METHODS } from "./ops/runs.ts";
import { MAX_EXCHANGE_SECONDS, RUNTIME_METHODS } from "./ops/runtime.ts";
import { SELF_METHODS } from "./ops/self.ts";
import { MAX_TERMINAL_TIMEOUT_MS, TERMINAL_METHODS } from "./ops/terminal.ts";

export const PingParams = z.object({ payload: z.string().max(1024).default("") });
export const PingResult = z.object({ payload: z.string(), agentTime: Timestamp });

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
  "diagnostics.emitEvents": { params: EmitEventsParams, result: EmitEventsResult },
  ...PROJECT_METHODS,
  ...CODE_METHODS,
  ...GIT_METHODS,
  ...RUNTIME_METHODS,
  ...RUN_METHODS,
  ...DEPLOY_METHODS,
  ...TERMINAL_METHODS,
  ...SELF_METHODS,
  ...MCP_METHODS,
} as const;

export type AgentMethod = keyof typeof AGENT_METHODS;

/**
 * Methods that legitimately take longer than the default agent timeout
 * (network, subprocesses). The control plane waits the longer of the two.
 */
export const METHOD_TIMEOUT_MS: Readonly<Partial<Record<AgentMethod, number>>> = {
  "projects.create": 180_000,
  "projects.clone": 300_000,
  "projects.import": 120_000,
  "projects.export": 120_000,
  "projects.delete": 60_000,
  "code.search": 120_000,
  "git.push": 180_000,
  "git.pr.create": 120_000,
  "git.pr.merge": 120_000,
  // Runtime and deploy waits are bounded by their own params (ready/health timeouts, at most 600 s).
  "runtime.start": 660_000,
  "runtime.restart": 780_000,
  "runtime.stop": 180_000,
  // An exchange waits for human answers (HITL) too; the agent ends it within MAX_EXCHANGE_SECONDS.
  "runtime.send": (MAX_EXCHANGE_SECONDS + 60) * 1000,
  "tests.run": 3_660_000,
  "nat.run": 3_660_000,
  "nat.eval": 3_660_000,
  "deploy.build": 120_000,
  "deploy.run": 1_500_000,
  "deploy.rollback": 1_500_000,
  "terminal.run": MAX_TERMINAL_TIMEOUT_MS + 30_000,
  "self.plan": 60_000,
  "self.pullRequest": 60_000,
  "self.restart": 60_000,
  "self.restore": 120_000,
  // The hub bounds each stdio request by its own timeout; these only cap the wait for the link.
  "mcp.stdio.check": 60_000 + MCP_METHOD_MARGIN_MS,
  "mcp.stdio.call": MAX_MCP_CALL_TIMEOUT_MS + MCP_METHOD_MARGIN_MS,
  "mcp.stdio.resources": 60_000 + MCP_METHOD_MARGIN_MS,
  "mcp.stdio.read": 60_000 + MCP_METHOD_MARGIN_MS,
};
export const AgentMethod = z.enum(Object.keys(AGENT_METHODS) as [AgentMethod, ...AgentMethod[]]);
export type MethodParams<M extends AgentMethod> = z.input<(typeof AGENT_METHODS)[M]["params"]>;
/** Params after validation, defaults filled in: what the agent's operations receive. */
export type ParsedParams<M extends AgentMethod> = z.output<(typeof AGENT_METHODS)[M]["params"]>;
export type MethodResult<M extends AgentMethod> = z.infer<(typeof AGENT_METHODS)[M]["result"]>;

/**
 * The result schema of one method, typed by that method. TypeScript cannot
 * narrow the table's union by a generic key, so the one widening lives here.
 */
export function resultSchemaOf<M extends AgentMethod>(method: M): z.ZodType<MethodResult<M>> {
  return AGENT_METHODS[method].result as unknown as z.ZodType<MethodResult<M>>;
}
