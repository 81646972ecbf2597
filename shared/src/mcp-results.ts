/**
 * The hub's reading of MCP answers, written once for both of its clients:
 * the control plane's (Streamable HTTP) and the agent's (stdio). Each side
 * adapts its SDK client to `McpCalls`; these functions page through lists
 * with bounds and turn the SDK's answers into the hub's shapes (ops/mcp.ts).
 */
import { isJsonObject, type Json } from "./json.ts";
import {
  MAX_MCP_RESOURCES,
  MAX_MCP_SERVER_TOOLS,
  type McpProbe,
  type McpResource,
  type McpResourceContent,
  type McpResourceListing,
  type McpResourceTemplate,
  type McpServerTool,
  type McpToolResult,
} from "./ops/mcp.ts";

/** Pages read per list: a server that pages forever cannot hold a check. */
const MAX_PAGES = 20;
const MAX_DESCRIPTION = 1000;

interface Page {
  nextCursor?: string | undefined;
}
type Described = { name: string; title?: string | undefined; description?: string | undefined };
type ResourceLike = Described & { uri: string; mimeType?: string | undefined };
type TemplateLike = Described & { uriTemplate: string; mimeType?: string | undefined };

/** The client calls the hub makes, as an MCP SDK client answers them (already validated by the SDK). */
export interface McpCalls {
  listTools(cursor: string | undefined): Promise<Page & { tools: Described[] }>;
  listResources(cursor: string | undefined): Promise<Page & { resources: ResourceLike[] }>;
  listResourceTemplates(cursor: string | undefined): Promise<Page & { resourceTemplates: TemplateLike[] }>;
  callTool(
    name: string,
    args: { [key: string]: Json },
  ): Promise<{ content: unknown[]; structuredContent?: unknown; isError?: boolean | undefined }>;
  readResource(
    uri: string,
  ): Promise<{ contents: Array<{ uri: string; mimeType?: string | undefined; text?: unknown; blob?: unknown }> }>;
}

/** What initialize told the client. */
export interface McpInitialized {
  serverInfo: { name: string; version: string } | undefined;
  protocolVersion: string | undefined;
  capabilities: Record<string, unknown> | undefined;
}

/** Reads at most `max` items across at most MAX_PAGES pages. */
async function collect<T>(
  max: number,
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | undefined }>,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let read = 0; read < MAX_PAGES; read += 1) {
    const result = await page(cursor);
    items.push(...result.items);
    cursor = result.nextCursor;
    if (items.length > max) return { items: items.slice(0, max), truncated: true };
    if (cursor === undefined) return { items, truncated: false };
  }
  return { items, truncated: true };
}

const described = <T extends Described>(item: T) => ({
  ...(item.title === undefined ? {} : { title: item.title }),
  ...(item.description === undefined ? {} : { description: item.description.slice(0, MAX_DESCRIPTION) }),
});

/** A check's snapshot: capabilities, tools, and how many resources (null without the capability). */
export async function probeServer(calls: McpCalls, init: McpInitialized): Promise<McpProbe> {
  const capabilities = init.capabilities ?? {};
  let tools: McpServerTool[] = [];
  if (capabilities.tools !== undefined) {
    const listed = await collect(MAX_MCP_SERVER_TOOLS, async (cursor) => {
      const result = await calls.listTools(cursor);
      return { items: result.tools, nextCursor: result.nextCursor };
    });
    tools = listed.items.map((tool) =>
      tool.description === undefined
        ? { name: tool.name }
        : { name: tool.name, description: tool.description.slice(0, MAX_DESCRIPTION) },
    );
  }
  let resourcesCount: number | null = null;
  if (capabilities.resources !== undefined) {
    const listed = await collect(Number.MAX_SAFE_INTEGER, async (cursor) => {
      const result = await calls.listResources(cursor);
      return { items: result.resources, nextCursor: result.nextCursor };
    });
    resourcesCount = listed.items.length;
  }
  return {
    serverInfo: init.serverInfo === undefined ? null : { name: init.serverInfo.name, version: init.serverInfo.version },
    protocolVersion: init.protocolVersion ?? null,
    capabilities: Object.keys(capabilities).sort(),
    tools,
    resourcesCount,
  };
}

export async function listServerResources(calls: McpCalls): Promise<McpResourceListing> {
  const resources = await collect(MAX_MCP_RESOURCES, async (cursor) => {
    const result = await calls.listResources(cursor);
    return { items: result.resources, nextCursor: result.nextCursor };
  });
  const templates = await collect(MAX_MCP_RESOURCES, async (cursor) => {
    const result = await calls.listResourceTemplates(cursor);
    return { items: result.resourceTemplates, nextCursor: result.nextCursor };
  });
  return {
    resources: resources.items.map(
      (r): McpResource => ({
        uri: r.uri,
        name: r.name,
        ...described(r),
        ...(r.mimeType === undefined ? {} : { mimeType: r.mimeType }),
      }),
    ),
    resourceTemplates: templates.items.map(
      (t): McpResourceTemplate => ({
        uriTemplate: t.uriTemplate,
        name: t.name,
        ...described(t),
        ...(t.mimeType === undefined ? {} : { mimeType: t.mimeType }),
      }),
    ),
    truncated: resources.truncated || templates.truncated,
  };
}

/** A tool's answer in the hub's shape; content blocks that are not JSON objects are dropped. */
export function toToolResult(raw: Awaited<ReturnType<McpCalls["callTool"]>>): McpToolResult {
  const content = raw.content.filter(isJsonObject);
  const result: McpToolResult = { content, isError: raw.isError === true };
  if (isJsonObject(raw.structuredContent)) result.structuredContent = raw.structuredContent;
  return result;
}

export function toResourceContents(raw: Awaited<ReturnType<McpCalls["readResource"]>>): McpResourceContent[] {
  return raw.contents.map((item) => ({
    uri: item.uri,
    ...(item.mimeType === undefined ? {} : { mimeType: item.mimeType }),
    ...(typeof item.text === "string" ? { text: item.text } : {}),
    ...(typeof item.blob === "string" ? { blob: item.blob } : {}),
  }));
}
