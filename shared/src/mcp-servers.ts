/**
 * The MCP client hub's registry and calls: external MCP servers a workspace
 * knows (Streamable HTTP URLs, or stdio commands the agent runs), their
 * scheduled health, and tool calls / resource reads through the hub, with
 * failover across servers offering the same tool. Header and env values are
 * secrets: requests carry them, answers only ever show them masked.
 */
import { z } from "zod";
import { JsonObject } from "./json.ts";
import { Id, Timestamp } from "./models.ts";
import {
  MAX_MCP_CALL_TIMEOUT_MS,
  MAX_MCP_SERVER_TOOLS,
  MCP_CALL_TIMEOUT_MS,
  McpResourceContent,
  McpResourceListing,
  McpResourceUri,
  McpServerTool,
  McpStdioArgs,
  McpStdioCommand,
  McpStdioEnv,
  McpToolName,
  McpToolResult,
  plainText,
} from "./ops/mcp.ts";

export const MAX_MCP_SERVERS = 50;
export const MAX_MCP_SERVER_HEADERS = 32;
/** Default time between scheduled health checks (ATT_MCP_CHECK_INTERVAL_MS overrides it). */
export const MCP_CHECK_INTERVAL_MS = 60_000;
/** Retries after a failed check: 1 s, 2 s, 4 s, then every 8 s. */
export const MCP_RETRY_BASE_MS = 1000;
export const MCP_RETRY_MAX_MS = 8000;
/** Consecutive failed checks after which a server is `unreachable` (before that: `degraded`). */
export const MCP_UNREACHABLE_AFTER = 4;

/**
 * Headers the Streamable HTTP transport sets itself (or that HTTP reserves):
 * a registered value would break the protocol or the request.
 */
export const RESERVED_MCP_HEADERS: readonly string[] = [
  "accept",
  "connection",
  "content-length",
  "content-type",
  "host",
  "last-event-id",
  "mcp-protocol-version",
  "mcp-session-id",
  "transfer-encoding",
  "upgrade",
];

function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return false; // not a URL at all: the url check reports that
  }
}

export const McpServerName = plainText(z.string().trim().min(1).max(64)).meta({
  description: "Unique within the workspace (compared case-insensitively).",
  example: "github",
});

export const McpServerUrl = z
  .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
  .max(2048)
  .refine((url) => !hasCredentials(url), "must not carry credentials (user:pass@); send them as a header instead")
  .meta({ description: "The server's Streamable HTTP endpoint.", example: "https://mcp.example.com/mcp" });

/** An HTTP header name (RFC 9110 token). */
const HeaderName = z
  .string()
  .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$/, "must be an HTTP header name")
  .refine((name) => !RESERVED_MCP_HEADERS.includes(name.toLowerCase()), {
    error: (issue) => `'${String(issue.input)}' is set by the MCP transport and cannot be registered`,
  });

export const McpServerHeaders = z
  .record(HeaderName, plainText(z.string().max(8192), true))
  .refine(
    (headers) => Object.keys(headers).length <= MAX_MCP_SERVER_HEADERS,
    `at most ${MAX_MCP_SERVER_HEADERS} headers`,
  )
  .refine((headers) => {
    const names = Object.keys(headers).map((name) => name.toLowerCase());
    return new Set(names).size === names.length;
  }, "header names must differ case-insensitively")
  .meta({
    description: "Headers sent to the server on every request (e.g. Authorization). Stored; answers show them masked.",
    example: { Authorization: "Bearer <token>" },
  });

export const McpTransport = z.enum(["streamable-http", "stdio"]).meta({
  id: "McpTransport",
  description: "Streamable HTTP (reached by the control plane) or stdio (run by the agent).",
});
export type McpTransport = z.infer<typeof McpTransport>;

const HttpServerCreate = z.object({
  name: McpServerName,
  transport: z.literal("streamable-http").optional(),
  url: McpServerUrl,
  headers: McpServerHeaders.optional(),
});

const StdioServerCreate = z.object({
  name: McpServerName,
  transport: z.literal("stdio"),
  command: McpStdioCommand,
  args: McpStdioArgs.optional(),
  env: McpStdioEnv.optional(),
});

export const McpServerCreate = z.discriminatedUnion("transport", [HttpServerCreate, StdioServerCreate]).meta({
  id: "McpServerCreate",
  description:
    "A Streamable HTTP server (`url`, optional `headers`; `transport` may be left out) or a stdio server (`transport: stdio`, `command`, `args`, `env`) that the linked agent starts on its machine.",
});
export type McpServerCreate = z.infer<typeof McpServerCreate>;

export const McpServerIdParam = z.object({ serverId: Id });

export const McpServerStatus = z.enum(["unknown", "healthy", "degraded", "unreachable"]).meta({
  id: "McpServerStatus",
  description: `\`unknown\` until the first check has finished; \`degraded\` after a failed check, \`unreachable\` after ${MCP_UNREACHABLE_AFTER} in a row; \`healthy\` again after one that succeeds.`,
});
export type McpServerStatus = z.infer<typeof McpServerStatus>;

/** What the checks found: the last one's outcome, and the last successful one's snapshot. */
export const McpServerHealth = z.object({
  status: McpServerStatus,
  lastCheckedAt: Timestamp.nullable(),
  latencyMs: z.number().int().min(0).nullable().meta({ description: "The last check, end to end; null if it failed." }),
  error: z
    .string()
    .nullable()
    .meta({ description: "Why the last check failed: the connection error or the JSON-RPC error." }),
  consecutiveFailures: z.number().int().min(0),
  serverInfo: z.object({ name: z.string(), version: z.string() }).nullable(),
  protocolVersion: z.string().nullable(),
  capabilities: z
    .array(z.string())
    .meta({ description: "The server's capability names (tools, resources, prompts, logging, ...)." }),
  tools: z
    .array(McpServerTool)
    .max(MAX_MCP_SERVER_TOOLS)
    .meta({
      description: `The server's tools (at most ${MAX_MCP_SERVER_TOOLS}) as the last successful check listed them.`,
    }),
  resourcesCount: z
    .number()
    .int()
    .min(0)
    .nullable()
    .meta({ description: "How many resources the server lists; null when it has no resources capability." }),
});
export type McpServerHealth = z.infer<typeof McpServerHealth>;

const MaskedRecord = (description: string) => z.record(z.string(), z.string()).meta({ description, example: {} });

export const McpServer = z
  .object({
    id: Id,
    name: z.string(),
    transport: McpTransport,
    url: z.string().nullable().meta({ description: "Streamable HTTP only." }),
    headers: MaskedRecord("Header names with masked values, e.g. `Bearer ****abcd`."),
    command: z.string().nullable().meta({ description: "stdio only." }),
    args: z.array(z.string()),
    env: MaskedRecord("Variable names with masked values (stdio)."),
    createdAt: Timestamp,
    nextCheckAt: Timestamp.nullable().meta({ description: "When the next scheduled check is due." }),
    ...McpServerHealth.shape,
  })
  .meta({ id: "McpServer" });
export type McpServer = z.infer<typeof McpServer>;

export const McpServerList = z.object({ servers: z.array(McpServer) }).meta({ id: "McpServerList" });
export type McpServerList = z.infer<typeof McpServerList>;

// --- calls through the hub ---------------------------------------------------

const CallTimeout = z
  .number()
  .int()
  .min(100)
  .max(MAX_MCP_CALL_TIMEOUT_MS)
  .default(MCP_CALL_TIMEOUT_MS)
  .meta({ description: "Per server tried, in milliseconds." });

export const McpToolCallBody = z
  .object({ name: McpToolName, arguments: JsonObject.default({}), timeoutMs: CallTimeout })
  .meta({ id: "McpToolCallBody" });
export type McpToolCallBody = z.input<typeof McpToolCallBody>;

export const McpFailoverCallBody = McpToolCallBody.extend({
  serverIds: z.array(Id).min(1).max(MAX_MCP_SERVERS).optional().meta({
    description: "Only these servers are candidates (default: every server whose last check listed the tool).",
  }),
  skipUnreachable: z
    .boolean()
    .default(false)
    .meta({ description: "Leave unreachable servers out instead of trying them last." }),
}).meta({ id: "McpFailoverCallBody" });
export type McpFailoverCallBody = z.input<typeof McpFailoverCallBody>;

export const McpCallAttempt = z
  .object({
    serverId: Id,
    serverName: z.string(),
    transport: McpTransport,
    status: McpServerStatus.meta({ description: "The server's status when it was tried." }),
    ok: z.boolean(),
    error: z.string().nullable().meta({ description: "Why the call failed on this server." }),
    durationMs: z.number().int().min(0),
  })
  .meta({ id: "McpCallAttempt" });
export type McpCallAttempt = z.infer<typeof McpCallAttempt>;

export const CorrelationId = z
  .string()
  .min(1)
  .max(128)
  .meta({ description: "Names this invocation in the mcp.* events of the workspace log." });

export const McpToolCallResult = z
  .object({
    correlationId: CorrelationId,
    tool: z.string(),
    serverId: Id.meta({ description: "The server that answered." }),
    serverName: z.string(),
    result: McpToolResult,
    attempts: z.array(McpCallAttempt).meta({ description: "Every server tried, in order; the last one answered." }),
  })
  .meta({ id: "McpToolCallResult" });
export type McpToolCallResult = z.infer<typeof McpToolCallResult>;

export const McpResourceList = McpResourceListing.extend({ serverId: Id }).meta({ id: "McpResourceList" });
export type McpResourceList = z.infer<typeof McpResourceList>;

export const McpResourceReadBody = z
  .object({ uri: McpResourceUri, timeoutMs: CallTimeout })
  .meta({ id: "McpResourceReadBody" });
export type McpResourceReadBody = z.input<typeof McpResourceReadBody>;

export const McpResourceReadResult = z
  .object({
    correlationId: CorrelationId,
    serverId: Id,
    serverName: z.string(),
    uri: z.string(),
    contents: z.array(McpResourceContent),
  })
  .meta({ id: "McpResourceReadResult" });
export type McpResourceReadResult = z.infer<typeof McpResourceReadResult>;

// --- events in the workspace log (WORKSPACE_LOG_ID, actor "hub") --------------

export const McpCheckTrigger = z.enum(["registration", "schedule", "manual", "call-failure"]);

/** `mcp.server.status`: a server's status changed. */
export const McpServerStatusPayload = z
  .object({
    correlationId: CorrelationId.meta({ description: "The health check that changed it." }),
    serverId: Id,
    serverName: z.string(),
    from: McpServerStatus,
    to: McpServerStatus,
    error: z.string().nullable(),
    consecutiveFailures: z.number().int().min(0),
    trigger: McpCheckTrigger,
    nextCheckAt: Timestamp.nullable(),
  })
  .meta({ id: "McpServerStatusPayload" });
export type McpServerStatusPayload = z.infer<typeof McpServerStatusPayload>;

/** `mcp.tool.called`: one call through the hub, with every server tried. */
export const McpToolCalledPayload = z
  .object({
    correlationId: CorrelationId,
    tool: z.string(),
    ok: z.boolean().meta({ description: "Some server answered (its answer may still be isError)." }),
    isError: z.boolean(),
    serverId: Id.nullable(),
    attempts: z.array(McpCallAttempt),
    durationMs: z.number().int().min(0),
  })
  .meta({ id: "McpToolCalledPayload" });
export type McpToolCalledPayload = z.infer<typeof McpToolCalledPayload>;

/** `mcp.resource.read`: one resource read through the hub. */
export const McpResourceReadPayload = z
  .object({
    correlationId: CorrelationId,
    serverId: Id,
    uri: z.string(),
    ok: z.boolean(),
    error: z.string().nullable(),
    durationMs: z.number().int().min(0),
  })
  .meta({ id: "McpResourceReadPayload" });
export type McpResourceReadPayload = z.infer<typeof McpResourceReadPayload>;
