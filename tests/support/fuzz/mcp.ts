/**
 * MCP cases for the fuzz suite: random JSON-RPC requests, batches, tools/call
 * with random arguments to every listed tool, and broken transport input, all
 * over raw HTTP to `/mcp`. Tools that run commands, reach the network, deploy,
 * delete or create only ever get arguments their schema refuses (an invalid
 * `projectId`, or a number where a required string goes).
 */
import { type ErrorCode, HTTP_STATUS_BY_CODE } from "@att/shared";
import fc from "fast-check";
import {
  describeRequest,
  FuzzFailure,
  problemDefect,
  type RawClient,
  type RawRequest,
  type RawResponse,
  sendDescribed,
} from "./http.ts";
import { anyJson, junkText, LONG_NAMES, wrongValue } from "./inputs.ts";
import { unknownId } from "./rest.ts";
import { TOOL_POLICY } from "./tool-policy.ts";

export const MCP_PROTOCOL = "2025-06-18";
const ACCEPT = "application/json, text/event-stream";

export interface ListedTool {
  name: string;
  properties: string[];
}

/** Values no id, name or URL schema takes: not strings, or the empty string. */
const refusedField: fc.Arbitrary<unknown> = fc.constantFrom(0, -1, null, true, ["fz"], {}, "");

const METHODS = [
  "initialize",
  "ping",
  "tools/list",
  "resources/list",
  "resources/templates/list",
  "resources/read",
  "resources/subscribe",
  "prompts/list",
  "prompts/get",
  "logging/setLevel",
  "completion/complete",
  "notifications/initialized",
  "notifications/cancelled",
  "notifications/progress",
  "notifications/roots/list_changed",
  "sampling/createMessage",
  "elicitation/create",
  "roots/list",
  "tasks/get",
];

const rpcId: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.constantFrom(null, 1.5, true, [], {}, "", -1, Number.MAX_SAFE_INTEGER),
);

/** A JSON-RPC message with random method, params and id; some fields dropped or of the wrong type. */
function rpcMessage(realProjectId: string): fc.Arbitrary<Record<string, unknown>> {
  const uri = fc.oneof(
    junkText,
    fc.constantFrom("att://projects", `att://project/${realProjectId}/files`, `att://project/${realProjectId}/config`),
    junkText.map((j) => `att://project/${j}/files`),
  );
  return fc.record(
    {
      jsonrpc: fc.oneof(fc.constant("2.0"), fc.constant("2.0"), fc.constant("1.0"), wrongValue),
      id: rpcId,
      method: fc.oneof(fc.constantFrom(...METHODS), junkText, wrongValue),
      params: fc.oneof(
        anyJson,
        fc.record({ uri }, { requiredKeys: [] }),
        fc.record({ level: fc.oneof(junkText, fc.constantFrom("debug", "error")) }),
        fc.record({ name: junkText.map((j) => `fz.${j}`), arguments: anyJson }),
      ),
    },
    { requiredKeys: ["jsonrpc", "method"] },
  );
}

/** Strings that pass a schema's type check and then test the agent: paths, traversal, overlong names. */
const fieldValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...LONG_NAMES, "README.md", "src", ".", "..", "../x", ".git/config", "*", "a\u0000b"),
  junkText,
  wrongValue,
);

function toolArguments(tool: ListedTool, realProjectId: string): fc.Arbitrary<Record<string, unknown>> {
  const policy = TOOL_POLICY[tool.name];
  if (policy === undefined) throw new Error(`no fuzz policy for MCP tool ${tool.name}: add it to TOOL_POLICY`);
  const names = tool.properties.length > 0 ? fc.constantFrom(...tool.properties) : fc.string({ maxLength: 8 });
  const projectIds =
    policy === "read"
      ? fc.oneof({ weight: 3, arbitrary: fc.constant(realProjectId) }, unknownId, wrongValue)
      : fc.oneof(unknownId, wrongValue);
  return fc
    .record({
      fields: fc.dictionary(names, fieldValue, { maxKeys: Math.max(1, tool.properties.length) }),
      projectId: projectIds,
      brokenValue: refusedField,
    })
    .map(({ fields, projectId, brokenValue }) => {
      const args: Record<string, unknown> = { ...fields };
      if (tool.properties.includes("projectId")) args.projectId = projectId;
      if (typeof policy === "object") args[policy.refuse] = brokenValue;
      return args;
    });
}

export type McpCase =
  | { kind: "message"; message: Record<string, unknown>; session: "valid" | "none" | "junk"; junkSession: string }
  | { kind: "batch"; messages: Array<Record<string, unknown>> }
  | { kind: "tool"; id: number; tool: string; args: Record<string, unknown> }
  | { kind: "transport"; body: string; contentType: string; accept: string };

export function mcpCase(tools: readonly ListedTool[], realProjectId: string): fc.Arbitrary<McpCase> {
  const message = rpcMessage(realProjectId);
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("message" as const),
        message,
        session: fc.constantFrom(
          "valid" as const,
          "valid" as const,
          "valid" as const,
          "none" as const,
          "junk" as const,
        ),
        junkSession: fc.oneof(
          junkText.map((t) => t.replace(/[^\x21-\x7e]/g, "")),
          fc.uuid(),
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.array(message, { maxLength: 4 }).map((messages): McpCase => ({ kind: "batch", messages })),
    },
    {
      weight: 5,
      arbitrary: fc.constantFrom(...tools).chain((tool) =>
        fc.record({
          kind: fc.constant("tool" as const),
          id: fc.nat(),
          tool: fc.constant(tool.name),
          args: toolArguments(tool, realProjectId),
        }),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("transport" as const),
        body: fc.oneof(
          junkText,
          fc.constantFrom("{", "[", "[]", "{}", "null", '{"jsonrpc":"2.0"', "\ufeff{}", "[".repeat(5000)),
        ),
        contentType: fc.constantFrom("application/json", "text/plain", "", "application/x-www-form-urlencoded"),
        accept: fc.constantFrom(ACCEPT, "application/json", "text/event-stream", "*/*", ""),
      }),
    },
  );
}

export interface McpTarget {
  client: RawClient;
  token: string;
  sessionId: string;
}

function headers(target: McpTarget, session: string | null): Record<string, string> {
  return {
    authorization: `Bearer ${target.token}`,
    "content-type": "application/json",
    accept: ACCEPT,
    "mcp-protocol-version": MCP_PROTOCOL,
    ...(session === null ? {} : { "mcp-session-id": session }),
  };
}

export function mcpRequest(c: McpCase, target: McpTarget): RawRequest {
  switch (c.kind) {
    case "message": {
      const session = c.session === "valid" ? target.sessionId : c.session === "junk" ? c.junkSession : null;
      return { method: "POST", path: "/mcp", headers: headers(target, session), body: JSON.stringify(c.message) };
    }
    case "batch":
      return {
        method: "POST",
        path: "/mcp",
        headers: headers(target, target.sessionId),
        body: JSON.stringify(c.messages),
      };
    case "tool":
      return {
        method: "POST",
        path: "/mcp",
        headers: headers(target, target.sessionId),
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: c.id,
          method: "tools/call",
          params: { name: c.tool, arguments: c.args },
        }),
      };
    case "transport": {
      const base = headers(target, target.sessionId);
      return {
        method: "POST",
        path: "/mcp",
        headers: { ...base, "content-type": c.contentType, accept: c.accept },
        body: c.body,
      };
    }
  }
}

/** The JSON-RPC messages of an answer: a JSON body, or the `data:` lines of an SSE stream. */
export function messagesOf(response: RawResponse): unknown[] {
  if (response.text.trim() === "") return [];
  if (response.contentType.startsWith("text/event-stream")) {
    return response.text
      .split(/\r?\n/)
      .filter((line) => line.startsWith("data:"))
      .map((line) => JSON.parse(line.slice(5)) as unknown);
  }
  const value = JSON.parse(response.text) as unknown;
  return Array.isArray(value) ? value : [value];
}

/** Why a JSON-RPC message is not a well-formed response or error, or null when it is. */
function rpcDefect(message: unknown): string | null {
  if (typeof message !== "object" || message === null) return "a message is not an object";
  const m = message as Record<string, unknown>;
  if (m.jsonrpc !== "2.0") return "a message lacks jsonrpc 2.0";
  if ("error" in m) {
    const error = m.error as Record<string, unknown> | null;
    if (typeof error !== "object" || error === null) return "error is not an object";
    if (!Number.isInteger(error.code)) return "error.code is not an integer";
    if (typeof error.message !== "string") return "error.message is not a string";
    return null;
  }
  if ("result" in m) return null;
  if (typeof m.method === "string") return null; // a notification or request from the server
  return "a message is neither a result, an error nor a notification";
}

/**
 * A tools/call answer: an error, or a result with content. A refusal is an
 * isError result carrying a wire error; one whose code maps to a 5xx (an
 * internal error) is MCP's 500 and a defect like it.
 */
function toolDefect(message: unknown): string | null {
  const m = message as { result?: { content?: unknown; isError?: unknown }; error?: unknown };
  if (m.error !== undefined) return null;
  if (!Array.isArray(m.result?.content)) return "a tool result has no content array";
  if (m.result.isError === undefined) return null;
  if (typeof m.result.isError !== "boolean") return "isError is not a boolean";
  const [first] = m.result.content as Array<{ text?: unknown }>;
  let code: unknown;
  try {
    code = (JSON.parse(String(first?.text)) as { error?: { code?: unknown } }).error?.code;
  } catch {
    return "an isError result does not carry a JSON wire error";
  }
  const status = HTTP_STATUS_BY_CODE[code as ErrorCode] as number | undefined;
  if (status === undefined) return `an isError result has no known error code (${String(code)})`;
  return status >= 500 ? `an isError result with a server-side code (${String(code)})` : null;
}

/** The MCP property: no 5xx, refusals are JSON-RPC errors (or problem+json from the HTTP layer), answers well-formed. */
export async function expectMcpHandled(c: McpCase, target: McpTarget): Promise<void> {
  const request = mcpRequest(c, target);
  const response = await sendDescribed(target.client, request);
  const fail = (what: string) => new FuzzFailure(what, describeRequest(request), response);
  if (response.status >= 500) throw fail(`a ${response.status} for bad input`);
  if (c.kind !== "message" || c.session === "valid") {
    if (response.status === 404) throw fail("the live session was reported gone");
  }
  let messages: unknown[];
  try {
    messages = messagesOf(response);
  } catch {
    throw fail("the answer is neither JSON nor SSE of JSON");
  }
  if (response.status >= 400) {
    const problem = problemDefect(response) === null;
    const rpc = messages.length === 1 && rpcDefect(messages[0]) === null;
    if (!problem && !rpc) throw fail("a refusal that is neither a JSON-RPC error nor problem+json");
    return;
  }
  for (const message of messages) {
    const defect = rpcDefect(message) ?? (c.kind === "tool" ? toolDefect(message) : null);
    if (defect !== null) throw fail(defect);
  }
  if (c.kind === "tool" && response.status === 200 && messages.length !== 1) throw fail("a tools/call got no answer");
}

/** Posts one JSON-RPC message on a session. */
export function postRpc(target: McpTarget, message: unknown): Promise<RawResponse> {
  return sendDescribed(target.client, {
    method: "POST",
    path: "/mcp",
    headers: headers(target, target.sessionId),
    body: JSON.stringify(message),
  });
}

/** Opens a session (initialize, then the initialized notification) and returns its id. */
export async function openSession(client: RawClient, token: string): Promise<string> {
  const target = { client, token, sessionId: "" };
  const init = await client.send({
    method: "POST",
    path: "/mcp",
    headers: headers(target, null),
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: MCP_PROTOCOL, capabilities: {}, clientInfo: { name: "att-fuzz", version: "1.0.0" } },
    }),
  });
  const sessionId = init.headers["mcp-session-id"];
  if (init.status !== 200 || typeof sessionId !== "string") {
    throw new Error(`initialize failed: ${init.status} ${init.text.slice(0, 300)}`);
  }
  await client.send({
    method: "POST",
    path: "/mcp",
    headers: headers({ ...target, sessionId }, sessionId),
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  return sessionId;
}

/** tools/list on a session: the tools and the names of their input properties. */
export async function listTools(target: McpTarget): Promise<ListedTool[]> {
  const response = await target.client.send({
    method: "POST",
    path: "/mcp",
    headers: headers(target, target.sessionId),
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
  });
  const [message] = messagesOf(response) as Array<{
    result?: { tools: Array<{ name: string; inputSchema: { properties?: Record<string, unknown> } }> };
  }>;
  const tools = message?.result?.tools;
  if (tools === undefined) throw new Error(`tools/list failed: ${response.status} ${response.text.slice(0, 300)}`);
  return tools.map((tool) => ({ name: tool.name, properties: Object.keys(tool.inputSchema.properties ?? {}) }));
}
