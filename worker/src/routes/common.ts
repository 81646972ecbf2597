/** Pieces every route module uses: the workspace stub, outcome unwrapping, shared responses. */
import { type AgentMethod, METHOD_ROLES, type MethodParams, type MethodResult, Problem, roleAllows } from "@att/shared";
import type { Context } from "hono";
import type { AppBindings, Env } from "../env.ts";
import { ApiError } from "../http/api-error.ts";
import type { Remote } from "../rpc.ts";
import type { Outcome } from "../workspace/outcome.ts";
import type { Workspace } from "../workspace/workspace.ts";

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
    | "disconnectAgent"
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

/** One workspace's Durable Object, named by the workspace id. */
export function workspace(env: Env, workspaceId: string): WorkspaceApi {
  return env.WORKSPACE.get(env.WORKSPACE.idFromName(workspaceId)) as unknown as WorkspaceApi;
}

/** The workspace the request's credential acts in: never taken from the request's input. */
export const workspaceOf = (c: Context<AppBindings>): WorkspaceApi => workspace(c.env, c.get("principal").workspaceId);

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
  // The route's guard already checked; this keeps an operation's own role binding whatever route reaches it.
  const { role } = c.get("principal");
  if (!roleAllows(role, METHOD_ROLES[method])) {
    throw new ApiError("forbidden", `${method} needs the ${METHOD_ROLES[method]} role; you are ${role}`);
  }
  return unwrap(await workspaceOf(c).invoke(method, params, requestIdOf(c)));
}

export const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: Problem } },
});

export const errorResponses = {
  400: problem("Malformed request (for example, invalid JSON)."),
  401: problem("Missing or invalid bearer token."),
  403: problem("Your role in this workspace does not allow this (or a session request lacked its CSRF token)."),
  422: problem("The request does not match the schema."),
  429: problem("Too many requests with this credential; Retry-After says when to try again."),
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
