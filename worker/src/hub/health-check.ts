/**
 * One health check of an external MCP server over Streamable HTTP: connect,
 * initialize, list its tools (and count its resources when it has any), then
 * end the session. The SDK's client transport is fetch-based, so it runs in
 * workerd as is. The whole check, cleanup included, is bounded by one deadline.
 */
import {
  MAX_MCP_SERVER_TOOLS,
  MCP_SERVER_CHECK_TIMEOUT_MS,
  type McpServerHealth,
  type McpServerTool,
} from "@att/shared";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import type { FetchLike } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ListResourcesResultSchema, ListToolsResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { CheckTimeout, ConnectionFailed, describe, StepFailed } from "./failure.ts";

/** Pages read per list: a server that pages forever cannot hold the check. */
const MAX_PAGES = 20;
const MAX_DESCRIPTION = 1000;

export interface CheckOptions {
  url: string;
  /** Sent on every request (e.g. Authorization); never logged. */
  headers: Readonly<Record<string, string>>;
  /** Reported to the server as the client's version. */
  clientVersion: string;
  timeoutMs?: number;
  /** The fetch to use; the global one by default. */
  fetch?: FetchLike;
}

type Found = Pick<McpServerHealth, "serverInfo" | "protocolVersion" | "tools" | "resourcesCount">;

export async function checkMcpServer(options: CheckOptions): Promise<McpServerHealth> {
  const timeoutMs = options.timeoutMs ?? MCP_SERVER_CHECK_TIMEOUT_MS;
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new CheckTimeout(timeoutMs)), timeoutMs);
  const url = new URL(options.url);
  const transport = new StreamableHTTPClientTransport(url, {
    requestInit: { headers: { ...options.headers } },
    fetch: guardedFetch(options.fetch ?? fetch, deadline.signal, url.host),
    // A health check never resumes a dropped stream.
    reconnectionOptions: {
      maxRetries: 0,
      initialReconnectionDelay: 1000,
      maxReconnectionDelay: 1000,
      reconnectionDelayGrowFactor: 1,
    },
  });
  const client = new Client({ name: "att-hub", version: options.clientVersion }, { capabilities: {} });
  const started = Date.now();
  const found: Found = { serverInfo: null, protocolVersion: null, tools: [], resourcesCount: null };
  try {
    await untilAborted(probe({ client, transport, found, signal: deadline.signal, timeoutMs }), deadline.signal);
    return { status: "healthy", lastCheckedAt: now(), latencyMs: Date.now() - started, error: null, ...found };
  } catch (error) {
    const reason = withoutSecrets(describe(error), options.headers);
    return { status: "unreachable", lastCheckedAt: now(), latencyMs: null, error: reason, ...found };
  } finally {
    await endSession(client, transport);
    clearTimeout(timer);
  }
}

async function probe(options: {
  client: Client;
  transport: StreamableHTTPClientTransport;
  found: Found;
  signal: AbortSignal;
  timeoutMs: number;
}): Promise<void> {
  const { client, transport, found } = options;
  const request: RequestOptions = { signal: options.signal, timeout: options.timeoutMs };
  await step("initialize", () => client.connect(transport, request));
  const info = client.getServerVersion();
  found.serverInfo = info === undefined ? null : { name: info.name, version: info.version };
  found.protocolVersion = transport.protocolVersion ?? null;
  const capabilities = client.getServerCapabilities() ?? {};
  if (capabilities.tools !== undefined) found.tools = await step("tools/list", () => listTools(client, request));
  if (capabilities.resources !== undefined) {
    found.resourcesCount = await step("resources/list", () => countResources(client, request));
  }
}

async function step<T>(name: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new StepFailed(name, error);
  }
}

/**
 * Through `request`, not `client.listTools()`: listTools compiles every output
 * schema with Ajv, which generates code at run time, and workerd forbids that.
 */
async function listTools(client: Client, request: RequestOptions): Promise<McpServerTool[]> {
  const tools: McpServerTool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES && tools.length < MAX_MCP_SERVER_TOOLS; page += 1) {
    const params = cursor === undefined ? {} : { cursor };
    const result = await client.request({ method: "tools/list", params }, ListToolsResultSchema, request);
    for (const tool of result.tools.slice(0, MAX_MCP_SERVER_TOOLS - tools.length)) {
      tools.push(
        tool.description === undefined
          ? { name: tool.name }
          : { name: tool.name, description: tool.description.slice(0, MAX_DESCRIPTION) },
      );
    }
    cursor = result.nextCursor;
    if (cursor === undefined) break;
  }
  return tools;
}

/** How many resources the server lists (across at most MAX_PAGES pages). */
async function countResources(client: Client, request: RequestOptions): Promise<number> {
  let total = 0;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page += 1) {
    const params = cursor === undefined ? {} : { cursor };
    const result = await client.request({ method: "resources/list", params }, ListResourcesResultSchema, request);
    total += result.resources.length;
    cursor = result.nextCursor;
    if (cursor === undefined) break;
  }
  return total;
}

/**
 * Every request of the check shares its deadline; a fetch that throws (as
 * opposed to answering with an error status) becomes ConnectionFailed.
 */
function guardedFetch(base: FetchLike, deadline: AbortSignal, target: string): FetchLike {
  return async (input, init) => {
    const own = init?.signal ?? null;
    const signal = own === null ? deadline : AbortSignal.any([own, deadline]);
    try {
      return await base(input, { ...init, signal });
    } catch (error) {
      if (deadline.aborted) throw deadline.reason;
      if (own?.aborted) throw error; // the transport closed its own request
      throw new ConnectionFailed(target, error);
    }
  };
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
    work.then(resolve, reject);
  });
}

/** Ends the server-side session (best effort, within the deadline) and closes the transport. */
async function endSession(client: Client, transport: StreamableHTTPClientTransport): Promise<void> {
  if (transport.sessionId !== undefined) await transport.terminateSession().catch(() => undefined);
  await client.close().catch(() => undefined);
}

const now = (): string => new Date().toISOString();

/** A server may echo our request (headers included) in its error body: never store or show a secret from it. */
export function withoutSecrets(text: string, headers: Readonly<Record<string, string>> | undefined): string {
  let clean = text;
  for (const value of Object.values(headers ?? {})) {
    for (const secret of [value, value.replace(/^\S+\s+/, "")]) {
      if (secret.length >= 4) clean = clean.split(secret).join("****");
    }
  }
  return clean;
}
