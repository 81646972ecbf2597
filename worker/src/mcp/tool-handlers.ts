/**
 * tools/list and tools/call for ATT's tool table on a low-level MCP server.
 * JSON Schemas are derived from the shared zod schemas (zod 4's toJSONSchema,
 * draft-07 like the SDK's own conversion); arguments are validated with the
 * operation's params schema; results carry `structuredContent` and the same
 * JSON as text. A failed operation is an `isError` result whose text is the
 * wire error `{ code, message, details? }`, the same code REST's problem+json has.
 */
import {
  AGENT_METHODS,
  type AgentMethod,
  describeZodError,
  METHOD_ROLES,
  type Role,
  roleAllows,
  TOOL_ROLES_META,
  type WireError,
} from "@att/shared";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  CallToolRequestSchema,
  type CallToolResult,
  ErrorCode,
  ListToolsRequestSchema,
  McpError,
  type Tool,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { WorkspaceApi } from "../routes/common.ts";
import type { Outcome } from "../workspace/outcome.ts";
import type { ToolSpec } from "./tool-spec.ts";
import { callWorkspaceTool, type WorkspaceToolSpec, workspaceToolDefinition } from "./workspace-tool.ts";

/** Calls one agent operation; the Durable Object binds this to `Workspace.invoke`. */
export type Invoke = (method: AgentMethod, params: unknown, requestId: string) => Promise<Outcome<unknown>>;

type ObjectSchema = Tool["inputSchema"];

/** A zod schema as a JSON Schema whose top level is an object, as MCP requires. */
export function objectJsonSchema(schema: z.ZodType, io: "input" | "output"): ObjectSchema {
  const json = z.toJSONSchema(schema, { target: "draft-7", io, unrepresentable: "any" }) as Record<string, unknown>;
  return { ...json, type: "object" };
}

function outputSchemaOf(spec: ToolSpec): z.ZodType {
  const results = spec.methods.map((method) => AGENT_METHODS[method].result as z.ZodType);
  const [first, second, ...rest] = results;
  if (first === undefined) throw new Error(`tool ${spec.name} names no operation`);
  return second === undefined ? first : z.union([first, second, ...rest]);
}

export function toolDefinition(spec: ToolSpec): Tool {
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    inputSchema: objectJsonSchema(spec.input, "input"),
    outputSchema: objectJsonSchema(outputSchemaOf(spec), "output"),
    annotations: spec.annotations,
    _meta: { [TOOL_ROLES_META]: { ...spec.roles } },
  };
}

export function errorResult(error: WireError): CallToolResult {
  return { isError: true, content: [{ type: "text", text: JSON.stringify({ error }) }] };
}

function invalid(error: z.ZodError, tool: string): CallToolResult {
  const issues = describeZodError(error);
  const list = issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ");
  return errorResult({
    code: "validation_failed",
    message: `invalid arguments for ${tool}: ${list}`,
    details: { errors: issues },
  });
}

/** Runs one tool call: validate, pick the operation, invoke, check and shape the result. */
export async function callTool(options: {
  spec: ToolSpec;
  args: Record<string, unknown>;
  invoke: Invoke;
  requestId: string;
  role: Role;
}): Promise<CallToolResult> {
  const { spec, args, invoke, requestId, role } = options;
  // The role is checked before the arguments, so a lesser role learns nothing from validation.
  const chosen = chooseMethod(spec, args);
  if (chosen !== null && !roleAllows(role, METHOD_ROLES[chosen])) {
    return errorResult({
      code: "forbidden",
      message: `${chosen} needs the ${METHOD_ROLES[chosen]} role; you are ${role} in this workspace`,
    });
  }
  const checked = spec.input.safeParse(args);
  if (!checked.success) return invalid(checked.error, spec.name);
  const method = spec.select(checked.data);
  const { action: _action, ...rest } = args;
  const params = (AGENT_METHODS[method].params as z.ZodType).safeParse(rest);
  if (!params.success) return invalid(params.error, spec.name);
  const outcome = await invoke(method, params.data, requestId);
  if (!outcome.ok) return errorResult(outcome.error);
  const result = (AGENT_METHODS[method].result as z.ZodType).safeParse(outcome.value);
  if (!result.success) {
    return errorResult({ code: "agent_error", message: `the agent's answer to ${method} does not match its schema` });
  }
  const value = result.data as Record<string, unknown>;
  return { structuredContent: value, content: [{ type: "text", text: JSON.stringify(value) }] };
}

function chooseMethod(spec: ToolSpec, args: Record<string, unknown>): AgentMethod | null {
  try {
    return spec.select(args);
  } catch {
    return null; // The arguments cannot choose an operation: validation says why.
  }
}

export const requestIdFrom = (headers: Record<string, string | string[] | undefined> | undefined): string => {
  const given = headers?.["x-request-id"];
  return typeof given === "string" ? given : crypto.randomUUID();
};

/** Tools the workspace answers itself, and how to reach it; absent for servers with agent tools only. */
export interface WorkspaceTools {
  tools: readonly WorkspaceToolSpec[];
  workspace: () => WorkspaceApi;
  actor: string;
}

/** The caller's role for one request; the MCP session reads it from headers the Worker set. */
export type RoleOf = (headers: Record<string, string | string[] | undefined> | undefined) => Role;

export function registerToolHandlers(
  server: Server,
  tools: readonly ToolSpec[],
  invoke: Invoke,
  roleOf: RoleOf,
  own?: WorkspaceTools,
): void {
  const definitions = [...tools.map(toolDefinition), ...(own?.tools ?? []).map(workspaceToolDefinition)];
  server.registerCapabilities({ tools: {} });
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: definitions }));
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const requestId = requestIdFrom(extra.requestInfo?.headers);
    const role = roleOf(extra.requestInfo?.headers);
    const args = request.params.arguments ?? {};
    const spec = tools.find((tool) => tool.name === request.params.name);
    if (spec !== undefined) return callTool({ spec, args, invoke, requestId, role });
    const ownSpec = own?.tools.find((tool) => tool.name === request.params.name);
    if (own === undefined || ownSpec === undefined) {
      throw new McpError(ErrorCode.InvalidParams, `no tool named '${request.params.name}'`);
    }
    return callWorkspaceTool({
      spec: ownSpec,
      args,
      context: { workspace: own.workspace(), requestId, actor: own.actor, role },
    });
  });
}
