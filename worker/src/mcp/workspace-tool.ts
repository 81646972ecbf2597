/**
 * MCP tools answered by the workspace Durable Object itself rather than by
 * one agent operation: workflows, the self-change cycle, the MCP hub. Same
 * conventions as the agent tools: input validated by a zod schema, output
 * described by one, a failure an `isError` result with the wire error.
 */
import { describeZodError, type Role, roleAllows, TOOL_ROLE_META, type WireError } from "@att/shared";
import type { CallToolResult, Tool, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import type { WorkspaceApi } from "../routes/common.ts";
import type { Outcome } from "../workspace/outcome.ts";
import { errorResult, objectJsonSchema } from "./tool-handlers.ts";

export interface WorkspaceToolContext {
  workspace: WorkspaceApi;
  requestId: string;
  /** Who is calling, for the audit log. */
  actor: string;
  /** The caller's role in the workspace, for tools whose need depends on their arguments. */
  role: Role;
}

export const forbiddenRole = (needed: Role, held: Role): WireError => ({
  code: "forbidden",
  message: `this needs the ${needed} role; you are ${held} in this workspace (an owner can change your role)`,
});

export interface WorkspaceToolSpec {
  name: string;
  /** The least role that may call the tool. */
  role: Role;
  title: string;
  description: string;
  annotations: ToolAnnotations;
  input: z.ZodObject<z.ZodRawShape>;
  output: z.ZodType;
  run: (args: Record<string, unknown>, context: WorkspaceToolContext) => Promise<Outcome<unknown>>;
}

/** Declares a workspace tool; `run` receives the arguments already parsed by `input`. */
export function workspaceTool<I extends z.ZodObject<z.ZodRawShape>>(spec: {
  name: string;
  role: Role;
  title: string;
  description: string;
  annotations: Omit<ToolAnnotations, "title">;
  input: I;
  output: z.ZodType;
  run: (args: z.output<I>, context: WorkspaceToolContext) => Promise<Outcome<unknown>>;
}): WorkspaceToolSpec {
  return {
    ...spec,
    annotations: { title: spec.title, ...spec.annotations },
    run: (args, context) => spec.run(args as z.output<I>, context),
  };
}

export function workspaceToolDefinition(spec: WorkspaceToolSpec): Tool {
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    inputSchema: objectJsonSchema(spec.input, "input"),
    outputSchema: objectJsonSchema(spec.output, "output"),
    annotations: spec.annotations,
    _meta: { [TOOL_ROLE_META]: spec.role },
  };
}

export async function callWorkspaceTool(options: {
  spec: WorkspaceToolSpec;
  args: Record<string, unknown>;
  context: WorkspaceToolContext;
}): Promise<CallToolResult> {
  const { spec, args, context } = options;
  if (!roleAllows(context.role, spec.role)) return errorResult(forbiddenRole(spec.role, context.role));
  const parsed = spec.input.safeParse(args);
  if (!parsed.success) {
    const issues = describeZodError(parsed.error);
    return errorResult({
      code: "validation_failed",
      message: `invalid arguments for ${spec.name}: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      details: { errors: issues },
    });
  }
  const outcome = await options.spec.run(parsed.data, context);
  if (!outcome.ok) return errorResult(outcome.error);
  const value = outcome.value as Record<string, unknown>;
  return { structuredContent: value, content: [{ type: "text", text: JSON.stringify(value) }] };
}
