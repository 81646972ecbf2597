/**
 * ATT's MCP resources: the project list, and per project its file tree, its
 * NAT config (YAML) and its CI runs. Each read is one or two agent operations
 * through the same `invoke` the tools use; a failure is a JSON-RPC error whose
 * `data` is the wire error (not_found maps to MCP's "resource not found").
 */
import type { AgentMethod, MethodParams, MethodResult, WireError } from "@att/shared";
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  ErrorCode,
  McpError,
  type ReadResourceResult,
  type ServerNotification,
  type ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { type Invoke, requestIdFrom } from "./tool-handlers.ts";

/** MCP's code for an unknown resource (spec: server/resources, error handling). */
const RESOURCE_NOT_FOUND = -32002;

type Call = <M extends AgentMethod>(method: M, params: MethodParams<M>) => Promise<MethodResult<M>>;

export interface ResourceSpec {
  name: string;
  title: string;
  description: string;
  /** A fixed URI, or an RFC 6570 template with `{id}` (a project id) and optional `{?name}` query variables. */
  uri: string;
  mimeType: string;
  read: (options: { id: string; query: Readonly<Record<string, string>>; call: Call }) => Promise<{
    text: string;
    mimeType?: string;
  }>;
}

const json = (value: unknown) => ({ text: JSON.stringify(value, null, 2) });

/** Lines per log resource read: enough to be useful, small enough for one MCP message. */
const LOG_PAGE = 500;

export const ATT_RESOURCES: readonly ResourceSpec[] = [
  {
    name: "projects",
    title: "Projects",
    description: "Every project the agent knows, as JSON.",
    uri: "att://projects",
    mimeType: "application/json",
    read: async ({ call }) => json(await call("projects.list", {})),
  },
  {
    name: "project-files",
    title: "Project files",
    description: "A project's file tree (without hidden or ignored files), as JSON.",
    uri: "att://project/{id}/files",
    mimeType: "application/json",
    read: async ({ id, call }) => json(await call("code.tree", { projectId: id })),
  },
  {
    name: "project-config",
    title: "NAT config",
    description: "A project's NeMo Agent Toolkit workflow config (YAML).",
    uri: "att://project/{id}/config",
    mimeType: "application/yaml",
    read: async ({ id, call }) => {
      const { project } = await call("projects.get", { projectId: id });
      if (project.natConfigPath === null) {
        throw new McpError(RESOURCE_NOT_FOUND, `project '${id}' has no NAT config`, {
          code: "not_found",
          message: `project '${id}' has no NAT config`,
        });
      }
      const file = await call("code.read", { projectId: id, path: project.natConfigPath });
      return file.encoding === "utf8" ? { text: file.content } : { text: file.content, mimeType: "text/plain" };
    },
  },
  {
    name: "project-ci",
    title: "CI runs",
    description: "A project's recent CI workflow runs, as JSON.",
    uri: "att://project/{id}/ci",
    mimeType: "application/json",
    read: async ({ id, call }) => json(await call("git.actions", { projectId: id })),
  },
  {
    name: "project-tests",
    title: "Test results",
    description: "A project's latest test run: counts, failures with tracebacks, duration and coverage, as JSON.",
    uri: "att://project/{id}/tests",
    mimeType: "application/json",
    read: async ({ id, call }) => json(await call("tests.results", { projectId: id })),
  },
  {
    name: "project-logs",
    title: "App logs",
    description: `The newest ${LOG_PAGE} lines of the project's app logs, as JSON with \`nextCursor\`; read att://project/{id}/logs?after=<nextCursor> for what follows.`,
    uri: "att://project/{id}/logs",
    mimeType: "application/json",
    read: async ({ id, call }) => json(await call("runtime.logs", { projectId: id, tail: true, limit: LOG_PAGE })),
  },
  {
    name: "project-logs-after",
    title: "App logs after a cursor",
    description: `Up to ${LOG_PAGE} app log lines after the cursor \`after\`, oldest first, with \`nextCursor\` and \`hasMore\`.`,
    uri: "att://project/{id}/logs{?after}",
    mimeType: "application/json",
    read: async ({ id, query, call }) => {
      const after = Number(query.after);
      if (!Number.isSafeInteger(after) || after < 0) {
        throw new McpError(ErrorCode.InvalidParams, "after must be a log cursor: a whole number, 0 or more");
      }
      return json(await call("runtime.logs", { projectId: id, after, limit: LOG_PAGE }));
    },
  },
];

function toMcpError(error: WireError): McpError {
  const code =
    error.code === "not_found"
      ? RESOURCE_NOT_FOUND
      : error.code === "validation_failed" || error.code === "bad_request"
        ? ErrorCode.InvalidParams
        : ErrorCode.InternalError;
  return new McpError(code, `${error.code}: ${error.message}`, error);
}

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export function registerResources(server: McpServer, invoke: Invoke): void {
  const callerFor =
    (extra: Extra): Call =>
    async (method, params) => {
      const outcome = await invoke(method, params, requestIdFrom(extra.requestInfo?.headers));
      if (!outcome.ok) throw toMcpError(outcome.error);
      return outcome.value as MethodResult<typeof method>;
    };
  for (const spec of ATT_RESOURCES) {
    const metadata = { title: spec.title, description: spec.description, mimeType: spec.mimeType };
    const contents = async (
      uri: URL,
      id: string,
      query: Record<string, string>,
      extra: Extra,
    ): Promise<ReadResourceResult> => {
      const { text, mimeType = spec.mimeType } = await spec.read({ id, query, call: callerFor(extra) });
      return { contents: [{ uri: uri.href, mimeType, text }] };
    };
    if (!spec.uri.includes("{")) {
      server.registerResource(spec.name, spec.uri, metadata, (uri, extra) => contents(uri, "", {}, extra));
      continue;
    }
    // No list callback: listing every project's resources would need the agent for resources/list.
    const template = new ResourceTemplate(spec.uri, { list: undefined });
    server.registerResource(spec.name, template, metadata, (uri, variables, extra) => {
      const id = variables.id;
      if (typeof id !== "string" || id === "")
        throw new McpError(ErrorCode.InvalidParams, `no project id in ${uri.href}`);
      const query: Record<string, string> = {};
      for (const [name, value] of Object.entries(variables)) {
        if (name !== "id" && typeof value === "string") query[name] = decodeURIComponent(value);
      }
      return contents(uri, decodeURIComponent(id), query, extra);
    });
  }
}
