/** Pieces every route module uses: the workspace stub, outcome unwrapping, shared responses. */
import { type AgentMethod, type MethodParams, type MethodResult, Problem } from "@att/shared";
import type { Context } from "hono";
import type { AppBindings, Env } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import type { Outcome } from "../workspace/outcome.ts";
import type { Workspace } from "../workspace/workspace.ts";

/** Local mode has one workspace; issue 7 shards by account. */
export const DEFAULT_WORKSPACE = "default";

/** A method called over Durable Object RPC always returns a promise. */
type Remote<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};

export type WorkspaceApi = Remote<
  Pick<
    Workspace,
    | "health"
    | "now"
    | "listEvents"
    | "mcpServers"
    | "addMcpServer"
    | "removeMcpServer"
    | "checkMcpServer"
    | "callMcpTool"
    | "callMcpToolByName"
    | "mcpResources"
    | "readMcpResource"
    | "createWorkflow"
    | "selfChange"
    | "workflow"
    | "workflows"
    | "cancelWorkflow"
    | "decideWorkflowStep"
  >
> & {
  // Spelled out: mapping a generic method through Remote would lose its type parameter.
  invoke<M extends AgentMethod>(
    method: M,
    params: MethodParams<M>,
    requestId: string,
  ): Promise<Outcome<MethodResult<M>>>;
  fetch(request: Request): Promise<Response>;
};

export function workspace(env: Env): WorkspaceApi {
  // workers-types maps RPC results through Rpc.Serializable, which recurses
  // without end on the recursive Json type; the stub is typed by the DO's own
  // method signatures instead (the same shapes, minus the mapping).
  return env.WORKSPACE.get(env.WORKSPACE.idFromName(DEFAULT_WORKSPACE)) as unknown as WorkspaceApi;
}

export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw ApiError.fromWire(outcome.error);
  return outcome.value;
}

export const requestIdOf = (c: Context<AppBindings>): string => c.get("requestId");

/** Runs an agent operation for a route and returns its result, or throws its error as problem+json. */
export async function callAgent<M extends AgentMethod>(
  c: Context<AppBindings>,
  method: M,
  params: MethodParams<M>,
): Promise<MethodResult<M>> {
  return unwrap(await workspace(c.env).invoke(method, params, requestIdOf(c)));
}

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: Problem } },
});

export const errorResponses = {
  400: problem("Malformed request (for example, invalid JSON)."),
  401: problem("Missing or invalid bearer token."),
  422: problem("The request does not match the schema."),
  500: problem("Unexpected server error."),
} as const;

export const agentErrorResponses = {
  ...errorResponses,
  502: problem("The agent answered with an error."),
  503: problem("No agent is connected."),
  504: problem("The agent did not answer in time."),
} as const;

export const notFoundResponse = { 404: problem("No such project.") } as const;

export const bearerSecurity = [{ bearerAuth: [] }];
