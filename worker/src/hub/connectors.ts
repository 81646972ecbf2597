/**
 * How the hub reaches one registered server. A Streamable HTTP server is
 * reached from the control plane (one short session per operation); a stdio
 * server through the linked agent, which runs it and keeps its client. Both
 * answer in the same shapes and fail with an Error whose message says why
 * (already free of secrets), so the hub treats them alike.
 */
import {
  type AgentMethod,
  type Json,
  listServerResources,
  type McpCalls,
  type McpProbe,
  type McpResourceContent,
  type McpResourceListing,
  type McpStdioConfig,
  type McpToolResult,
  type MethodParams,
  type MethodResult,
  probeServer,
  toResourceContents,
  toToolResult,
} from "@att/shared";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { RequestOptions } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  CallToolResultSchema,
  ListResourcesResultSchema,
  ListResourceTemplatesResultSchema,
  ListToolsResultSchema,
  ReadResourceResultSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { Outcome } from "../workspace/outcome.ts";
import {
  type HttpSession,
  type HttpTarget,
  SessionFailed,
  step,
  withHttpSession,
  withoutSecrets,
} from "./http-session.ts";

export interface McpConnector {
  check(timeoutMs: number): Promise<McpProbe>;
  callTool(name: string, args: { [key: string]: Json }, timeoutMs: number): Promise<McpToolResult>;
  listResources(timeoutMs: number): Promise<McpResourceListing>;
  readResource(uri: string, timeoutMs: number): Promise<McpResourceContent[]>;
}

/** Runs one agent operation, waiting at most `timeoutMs` for the answer: the Durable Object's link. */
export type AgentInvoke = <M extends AgentMethod>(
  method: M,
  params: MethodParams<M>,
  options: { requestId: string; timeoutMs: number },
) => Promise<Outcome<MethodResult<M>>>;

/**
 * The hub's calls over an SDK client, each through `request` with the SDK's
 * result schema (`client.listTools()`/`callTool()` compile output schemas
 * with Ajv, code generation at run time, which workerd forbids), each
 * failure named by its MCP method.
 */
export function sdkCalls(client: Client, request: RequestOptions): McpCalls {
  const page = (cursor: string | undefined) => (cursor === undefined ? {} : { cursor });
  return {
    listTools: (cursor) =>
      step("tools/list", () =>
        client.request({ method: "tools/list", params: page(cursor) }, ListToolsResultSchema, request),
      ),
    listResources: (cursor) =>
      step("resources/list", () =>
        client.request({ method: "resources/list", params: page(cursor) }, ListResourcesResultSchema, request),
      ),
    listResourceTemplates: (cursor) =>
      step("resources/templates/list", () =>
        client.request(
          { method: "resources/templates/list", params: page(cursor) },
          ListResourceTemplatesResultSchema,
          request,
        ),
      ),
    callTool: (name, args) =>
      step("tools/call", () =>
        client.request({ method: "tools/call", params: { name, arguments: args } }, CallToolResultSchema, request),
      ),
    readResource: (uri) =>
      step("resources/read", () =>
        client.request({ method: "resources/read", params: { uri } }, ReadResourceResultSchema, request),
      ),
  };
}

export function httpConnector(target: HttpTarget): McpConnector {
  const session = <T>(timeoutMs: number, run: (calls: McpCalls, open: HttpSession) => Promise<T>, resume = true) =>
    withHttpSession({ target, timeoutMs, resume, run: (open) => run(sdkCalls(open.client, open.request), open) });
  return {
    check: (timeoutMs) =>
      session(
        timeoutMs,
        (calls, { client, transport }) =>
          probeServer(calls, {
            serverInfo: client.getServerVersion(),
            protocolVersion: transport.protocolVersion,
            capabilities: client.getServerCapabilities(),
          }),
        false,
      ),
    callTool: (name, args, timeoutMs) =>
      session(timeoutMs, async (calls) => toToolResult(await calls.callTool(name, args))),
    listResources: (timeoutMs) => session(timeoutMs, (calls) => listServerResources(calls)),
    readResource: (uri, timeoutMs) =>
      session(timeoutMs, async (calls) => toResourceContents(await calls.readResource(uri))),
  };
}

/**
 * A connector opened when it is used: the hub reveals a server's stored
 * secrets only then, and a secret that cannot be read fails that one use
 * (a check, a call) with a reason, like any other failure.
 */
export function deferredConnector(open: () => Promise<McpConnector>): McpConnector {
  return {
    check: async (timeoutMs) => (await open()).check(timeoutMs),
    callTool: async (name, args, timeoutMs) => (await open()).callTool(name, args, timeoutMs),
    listResources: async (timeoutMs) => (await open()).listResources(timeoutMs),
    readResource: async (uri, timeoutMs) => (await open()).readResource(uri, timeoutMs),
  };
}

/** Extra time the hub gives the agent beyond the request's own timeout: process start, the link's round trip. */
const AGENT_MARGIN_MS = 5000;

/**
 * A stdio server, run by the agent. The agent bounds each request by its
 * timeout; the hub waits that long plus a margin, so an agent that never
 * answers cannot hold a check. Secrets (env values) are stripped from errors.
 */
export function stdioConnector(options: {
  serverId: string;
  config: McpStdioConfig;
  invoke: AgentInvoke;
  requestId: string;
}): McpConnector {
  const { serverId, config, invoke, requestId } = options;
  const run = async <M extends AgentMethod>(method: M, params: MethodParams<M>, timeoutMs: number) => {
    const outcome = await invoke(method, params, { requestId, timeoutMs: timeoutMs + AGENT_MARGIN_MS });
    if (!outcome.ok) throw new SessionFailed(withoutSecrets(agentReason(outcome.error), config.env));
    return outcome.value;
  };
  return {
    check: async (timeoutMs) => {
      const {
        latencyMs: _latency,
        pid: _pid,
        ...probe
      } = await run("mcp.stdio.check", { serverId, config, timeoutMs }, timeoutMs);
      return probe;
    },
    callTool: (name, args, timeoutMs) =>
      run("mcp.stdio.call", { serverId, config, name, arguments: args, timeoutMs }, timeoutMs),
    listResources: (timeoutMs) => run("mcp.stdio.resources", { serverId, config, timeoutMs }, timeoutMs),
    readResource: async (uri, timeoutMs) =>
      (await run("mcp.stdio.read", { serverId, config, uri, timeoutMs }, timeoutMs)).contents,
  };
}

function agentReason(error: { code: string; message: string }): string {
  if (error.code === "agent_unavailable") return "no agent is linked to run this stdio server";
  if (error.code === "agent_timeout") return `the agent did not answer in time (${error.message})`;
  return error.message;
}
