/**
 * MCP payloads the hub passes around, and the agent's side of the hub: stdio
 * MCP servers are programs on the developer's machine, so the agent runs
 * them (one kept client per registered server) and the control plane asks it
 * to check them, call their tools and read their resources. Each request
 * carries the server's whole configuration, so the agent stores none of it.
 */
import { z } from "zod";
import { JsonObject } from "../json.ts";
import { Id } from "../models.ts";

export const MAX_MCP_SERVER_TOOLS = 200;
export const MAX_MCP_RESOURCES = 500;
export const MCP_SERVER_CHECK_TIMEOUT_MS = 10_000;
export const MCP_CALL_TIMEOUT_MS = 30_000;
export const MAX_MCP_CALL_TIMEOUT_MS = 300_000;
export const MAX_MCP_STDIO_ARGS = 64;
export const MAX_MCP_STDIO_ENV = 64;

const hasControlChars = (text: string, allowTab: boolean): boolean =>
  [...text].some((ch) => {
    const code = ch.charCodeAt(0);
    return (code < 0x20 && !(allowTab && code === 0x09)) || code === 0x7f;
  });

/** A text without line breaks or other control characters (a tab is allowed when `allowTab`). */
export const plainText = (schema: z.ZodString, allowTab = false) =>
  schema.refine((text) => !hasControlChars(text, allowTab), "must not contain line breaks or control characters");

export const McpStdioCommand = plainText(z.string().trim().min(1).max(1024)).meta({
  description: "The program to start (looked up on the agent's PATH), without a shell.",
  example: "npx",
});

export const McpStdioArgs = z
  .array(
    z
      .string()
      .max(4096)
      .refine((arg) => !arg.includes("\0"), "must not contain NUL"),
  )
  .max(MAX_MCP_STDIO_ARGS)
  .meta({
    description: "Arguments, passed as they are (no shell). Shown in answers: put secrets in `env`.",
    example: ["-y", "@modelcontextprotocol/server-everything"],
  });

const EnvName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, "must be an environment variable name (letters, digits, '_')");

export const McpStdioEnv = z
  .record(
    EnvName,
    z
      .string()
      .max(8192)
      .refine((value) => !value.includes("\0"), "must not contain NUL"),
  )
  .refine((env) => Object.keys(env).length <= MAX_MCP_STDIO_ENV, `at most ${MAX_MCP_STDIO_ENV} variables`)
  .meta({
    description:
      "Added to a minimal environment (HOME, PATH, SHELL, TERM, USER, LOGNAME). Stored; answers show the values masked.",
    example: { API_KEY: "<secret>" },
  });

/** How the agent starts one stdio MCP server. */
export const McpStdioConfig = z
  .object({ command: McpStdioCommand, args: McpStdioArgs.default([]), env: McpStdioEnv.default({}) })
  .meta({ id: "McpStdioConfig" });
export type McpStdioConfig = z.infer<typeof McpStdioConfig>;

export const McpServerTool = z
  .object({ name: z.string(), description: z.string().optional() })
  .meta({ id: "McpServerTool" });
export type McpServerTool = z.infer<typeof McpServerTool>;

export const McpToolName = z.string().min(1).max(256).meta({ example: "echo" });

/** What one connection to a server found out: the snapshot a health check stores. */
export const McpProbe = z
  .object({
    serverInfo: z.object({ name: z.string(), version: z.string() }).nullable(),
    protocolVersion: z.string().nullable(),
    capabilities: z
      .array(z.string())
      .meta({ description: "The server's capability names, e.g. tools, resources, prompts, logging." }),
    tools: z.array(McpServerTool).max(MAX_MCP_SERVER_TOOLS),
    resourcesCount: z.number().int().min(0).nullable(),
  })
  .meta({ id: "McpProbe" });
export type McpProbe = z.infer<typeof McpProbe>;

/** A tool's answer as the server gave it (content blocks kept as JSON: text, image, audio, resource, ...). */
export const McpToolResult = z
  .object({
    content: z.array(JsonObject),
    structuredContent: JsonObject.optional(),
    isError: z.boolean().meta({ description: "The tool reported a failure of its own (the call itself worked)." }),
  })
  .meta({ id: "McpToolResult" });
export type McpToolResult = z.infer<typeof McpToolResult>;

export const McpResource = z
  .object({
    uri: z.string(),
    name: z.string(),
    title: z.string().optional(),
    description: z.string().optional(),
    mimeType: z.string().optional(),
  })
  .meta({ id: "McpResource" });
export type McpResource = z.infer<typeof McpResource>;

export const McpResourceTemplate = z
  .object({
    uriTemplate: z.string(),
    name: z.string(),
    title: z.string().optional(),
    description: z.string().optional(),
    mimeType: z.string().optional(),
  })
  .meta({ id: "McpResourceTemplate" });
export type McpResourceTemplate = z.infer<typeof McpResourceTemplate>;

export const McpResourceListing = z
  .object({
    resources: z.array(McpResource).max(MAX_MCP_RESOURCES),
    resourceTemplates: z.array(McpResourceTemplate).max(MAX_MCP_RESOURCES),
    truncated: z.boolean().meta({ description: `True when the server lists more than ${MAX_MCP_RESOURCES}.` }),
  })
  .meta({ id: "McpResourceListing" });
export type McpResourceListing = z.infer<typeof McpResourceListing>;

export const McpResourceContent = z
  .object({
    uri: z.string(),
    mimeType: z.string().optional(),
    text: z.string().optional(),
    blob: z.string().optional().meta({ description: "Base64 binary content." }),
  })
  .meta({ id: "McpResourceContent" });
export type McpResourceContent = z.infer<typeof McpResourceContent>;

export const McpResourceUri = z.string().min(1).max(4096).meta({ example: "file:///README.md" });

const Timeout = (defaultMs: number, maxMs: number) => z.number().int().min(100).max(maxMs).default(defaultMs);

/** Every stdio request names the server (the agent keeps one client per id) and its configuration. */
const StdioScoped = z.object({ serverId: Id, config: McpStdioConfig });

export const McpStdioCheckParams = StdioScoped.extend({
  timeoutMs: Timeout(MCP_SERVER_CHECK_TIMEOUT_MS, 60_000),
});
export const McpStdioCheckResult = McpProbe.extend({
  latencyMs: z.number().int().min(0),
  pid: z.number().int().nullable().meta({ description: "The server process (its own process group)." }),
}).meta({ id: "McpStdioCheckResult" });
export type McpStdioCheckResult = z.infer<typeof McpStdioCheckResult>;

export const McpStdioCallParams = StdioScoped.extend({
  name: McpToolName,
  arguments: JsonObject.default({}),
  timeoutMs: Timeout(MCP_CALL_TIMEOUT_MS, MAX_MCP_CALL_TIMEOUT_MS),
});

export const McpStdioResourcesParams = StdioScoped.extend({ timeoutMs: Timeout(MCP_CALL_TIMEOUT_MS, 60_000) });

export const McpStdioReadParams = StdioScoped.extend({
  uri: McpResourceUri,
  timeoutMs: Timeout(MCP_CALL_TIMEOUT_MS, 60_000),
});
export const McpStdioReadResult = z.object({ contents: z.array(McpResourceContent) });

export const McpStdioCloseParams = z.object({ serverId: Id });
export const McpStdioCloseResult = z.object({ closed: z.boolean() });

export const MCP_METHODS = {
  "mcp.stdio.check": { params: McpStdioCheckParams, result: McpStdioCheckResult },
  "mcp.stdio.call": { params: McpStdioCallParams, result: McpToolResult },
  "mcp.stdio.resources": { params: McpStdioResourcesParams, result: McpResourceListing },
  "mcp.stdio.read": { params: McpStdioReadParams, result: McpStdioReadResult },
  "mcp.stdio.close": { params: McpStdioCloseParams, result: McpStdioCloseResult },
} as const;

/** The control plane waits for the params' own timeout plus this (process start, link round trip). */
export const MCP_METHOD_MARGIN_MS = 30_000;
