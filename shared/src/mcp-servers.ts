/**
 * The MCP client hub's registry: external MCP servers (Streamable HTTP) a
 * workspace knows, with the result of their last health check. Header values
 * are secrets: requests carry them, answers only ever show them masked.
 */
import { z } from "zod";
import { Id, Timestamp } from "./models.ts";

export const MAX_MCP_SERVERS = 50;
export const MAX_MCP_SERVER_TOOLS = 200;
export const MAX_MCP_SERVER_HEADERS = 32;
export const MCP_SERVER_CHECK_TIMEOUT_MS = 10_000;

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

const hasControlChars = (text: string, allowTab: boolean): boolean =>
  [...text].some((ch) => {
    const code = ch.charCodeAt(0);
    return (code < 0x20 && !(allowTab && code === 0x09)) || code === 0x7f;
  });

function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return false; // not a URL at all: the url check reports that
  }
}

export const McpServerName = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((name) => !hasControlChars(name, false), "must not contain control characters")
  .meta({ description: "Unique within the workspace (compared case-insensitively).", example: "github" });

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

const HeaderValue = z
  .string()
  .max(8192)
  .refine((value) => !hasControlChars(value, true), "must not contain line breaks or control characters");

export const McpServerHeaders = z
  .record(HeaderName, HeaderValue)
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

export const McpServerCreate = z
  .object({ name: McpServerName, url: McpServerUrl, headers: McpServerHeaders.optional() })
  .meta({ id: "McpServerCreate" });
export type McpServerCreate = z.infer<typeof McpServerCreate>;

export const McpServerIdParam = z.object({ serverId: Id });

export const McpServerStatus = z
  .enum(["unknown", "healthy", "unreachable"])
  .meta({ id: "McpServerStatus", description: "`unknown` until the first health check has finished." });
export type McpServerStatus = z.infer<typeof McpServerStatus>;

export const McpServerTool = z
  .object({ name: z.string(), description: z.string().optional() })
  .meta({ id: "McpServerTool" });
export type McpServerTool = z.infer<typeof McpServerTool>;

/** What the last health check found. */
export const McpServerHealth = z.object({
  status: McpServerStatus,
  lastCheckedAt: Timestamp.nullable(),
  latencyMs: z.number().int().min(0).nullable().meta({ description: "Connect, initialize and list, end to end." }),
  error: z
    .string()
    .nullable()
    .meta({ description: "Why the check failed: the connection error or the JSON-RPC error." }),
  serverInfo: z.object({ name: z.string(), version: z.string() }).nullable(),
  protocolVersion: z.string().nullable(),
  tools: z
    .array(McpServerTool)
    .max(MAX_MCP_SERVER_TOOLS)
    .meta({ description: `The server's tools (at most ${MAX_MCP_SERVER_TOOLS}).` }),
  resourcesCount: z
    .number()
    .int()
    .min(0)
    .nullable()
    .meta({ description: "How many resources the server lists; null when it has no resources capability." }),
});
export type McpServerHealth = z.infer<typeof McpServerHealth>;

export const McpServer = z
  .object({
    id: Id,
    name: z.string(),
    url: z.string(),
    headers: z
      .record(z.string(), z.string())
      .meta({ description: "Header names with masked values, e.g. `Bearer ****abcd`.", example: {} }),
    createdAt: Timestamp,
    ...McpServerHealth.shape,
  })
  .meta({ id: "McpServer" });
export type McpServer = z.infer<typeof McpServer>;

export const McpServerList = z.object({ servers: z.array(McpServer) }).meta({ id: "McpServerList" });
export type McpServerList = z.infer<typeof McpServerList>;
