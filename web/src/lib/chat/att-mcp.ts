/**
 * ATT mode's use of the MCP client hub, as plain functions: reading
 * "call <tool> [with <json>]" from the raw request (the clause reader
 * lowercases and splits on commas, which would break JSON arguments and
 * case-sensitive tool names), checking the tool against what the hub's
 * servers list, and turning the hub's answers into lines to show.
 */
import { isRecord, str } from "#lib/payload.ts";
import { argumentsFromJson } from "#lib/settings/mcp-form.ts";

export type ToolArguments = Record<string, unknown>;

export type ToolCallRequest =
  | { kind: "call"; tool: string; arguments: ToolArguments }
  | { kind: "invalid"; message: string };

/** The hub's default time per server tried (McpFailoverCallBody.timeoutMs). */
export const CALL_TIMEOUT_MS = 30_000;
/** A tool's answer is cut here: the ATT log lives for the whole page session. */
export const MAX_OUTPUT = 20_000;
const MAX_TOOL_NAME = 256;
const MAX_LISTED = 30;

export const CALL_EXAMPLE = 'call echo with {"text": "hi"}';

const CALL = /^\s*(?:(?:please|now|also|then)\s+)*call\s+([\s\S]*)$/i;
const ARGUMENTS_START = /^(?:(?:with|using)\b|\{)/i;
const ARGUMENTS_WORD = /^(?:with|using)(?:\s+(?:the\s+)?(?:arguments|args|input))?\s*/i;

/** The first word and the rest. */
function split(text: string): [string, string] {
  const match = /^(\S+)\s*([\s\S]*)$/.exec(text.trim());
  return [match?.[1] ?? "", match?.[2] ?? ""];
}

/**
 * Reads "call <tool>", "call <tool> with <json object>" or "call the <tool> tool with <json>".
 * Null when the request is not a tool call; the JSON runs to the end of the request.
 */
export function readToolCall(text: string): ToolCallRequest | null {
  const body = CALL.exec(text)?.[1];
  if (body === undefined) return null;
  let [word, rest] = split(body);
  if (word.toLowerCase() === "the" && rest !== "" && !ARGUMENTS_START.test(rest)) [word, rest] = split(rest);
  const tool = word.replace(/^["'`\u201c\u201d\u2018\u2019]+|["'`\u201c\u201d\u2018\u2019]+$/g, "");
  if (tool === "" || tool.startsWith("{")) {
    return { kind: "invalid", message: `Say which tool to call, e.g. ${CALL_EXAMPLE}.` };
  }
  if (tool.length > MAX_TOOL_NAME) {
    return { kind: "invalid", message: `A tool name has at most ${MAX_TOOL_NAME} characters.` };
  }
  const [next, after] = split(rest);
  if (next.toLowerCase() === "tool" && (after === "" || ARGUMENTS_START.test(after))) rest = after;
  const keyword = ARGUMENTS_WORD.exec(rest);
  if (keyword === null && rest !== "" && !rest.startsWith("{")) {
    return {
      kind: "invalid",
      message: `After the tool's name only its arguments may follow, as a JSON object after “with” (a tool call is a request of its own), e.g. ${CALL_EXAMPLE}.`,
    };
  }
  const json = (keyword === null ? rest : rest.slice(keyword[0].length)).replace(/\}\s*[.!;]+$/, "}");
  if (keyword !== null && json === "") {
    return { kind: "invalid", message: `Give the arguments after “with” as a JSON object, e.g. ${CALL_EXAMPLE}.` };
  }
  const parsed = argumentsFromJson(json);
  if (!parsed.ok) {
    const quotes = /[\u201c\u201d\u2018\u2019]/.test(json) ? ' Use straight quotes (") in JSON, not curly ones.' : "";
    return { kind: "invalid", message: `${parsed.message}${quotes} Nothing was called.` };
  }
  return { kind: "call", tool, arguments: parsed.value };
}

/** Why no server can answer a call of `tool`, or null when some server lists it. Names are case-sensitive. */
export function unknownToolMessage(tool: string, known: readonly string[]): string | null {
  if (known.includes(tool)) return null;
  const names = [...new Set(known)].sort();
  if (names.length === 0) {
    return `No MCP server registered with ATT lists a tool “${tool}”: none lists any tools. Register one in Settings.`;
  }
  const near = names.find((name) => name.toLowerCase() === tool.toLowerCase());
  const hint = near === undefined ? "" : ` Did you mean “${near}”?`;
  const shown = names.slice(0, MAX_LISTED).join(", ");
  const more = names.length > MAX_LISTED ? ` and ${names.length - MAX_LISTED} more` : "";
  return `No registered MCP server offers a tool “${tool}”.${hint} Tools: ${shown}${more}. Say “list mcp tools” to see the servers.`;
}

/** How a call is shown in a plan: its arguments as compact JSON, cut when long. */
export function argumentsLabel(args: ToolArguments, max = 120): string {
  const json = JSON.stringify(args);
  if (json === "{}") return "no arguments";
  return json.length <= max ? json : `${json.slice(0, max - 1)}…`;
}

function blockText(block: Record<string, unknown>): string {
  const type = str(block.type) ?? "unknown";
  if (type === "text") return str(block.text) ?? "";
  if (type === "resource_link") return `[resource link ${str(block.uri) ?? ""}]`;
  if (type === "resource" && isRecord(block.resource)) {
    return str(block.resource.text) ?? `[resource ${str(block.resource.uri) ?? ""}]`;
  }
  const mime = str(block.mimeType);
  return `[${type}${mime === null ? "" : ` ${mime}`}]`;
}

/** A tool's answer as text: its text blocks, placeholders for the rest, else its structured content. */
export function toolResultText(
  result: { content: readonly Record<string, unknown>[]; structuredContent?: Record<string, unknown> },
  max = MAX_OUTPUT,
): string {
  let text = result.content.map(blockText).join("\n");
  if (text === "" && result.structuredContent !== undefined) text = JSON.stringify(result.structuredContent, null, 2);
  if (text === "") return "(the tool answered with no content)";
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`;
}

export interface Attempt {
  serverName: string;
  transport: string;
  status: string;
  ok: boolean;
  error: string | null;
  durationMs: number;
}

/** One server tried: "down (streamable-http, was healthy) failed after 3 ms: connection refused". */
export function attemptLine(attempt: Attempt): string {
  const what = attempt.ok ? "answered" : "failed";
  const why = attempt.ok || attempt.error === null ? "" : `: ${attempt.error}`;
  return `${attempt.serverName} (${attempt.transport}, was ${attempt.status}) ${what} after ${attempt.durationMs} ms${why}`;
}

/** The one-line summary of a call the hub answered. */
export function callSummary(answer: {
  tool: string;
  serverName: string;
  attempts: readonly Attempt[];
  result: { isError: boolean };
}): string {
  const failed = answer.attempts.filter((attempt) => !attempt.ok).length;
  const transport = answer.attempts.find((attempt) => attempt.ok)?.transport;
  const via = transport === undefined ? "" : ` (${transport})`;
  const after = failed === 0 ? "" : `, after ${failed} failed attempt${failed === 1 ? "" : "s"}`;
  const error = answer.result.isError ? "; the tool reported an error" : "";
  return `${answer.tool} answered by ${answer.serverName}${via}${after}${error}.`;
}

export interface HubServer {
  name: string;
  transport: string;
  status: string;
  error: string | null;
  tools: readonly { name: string }[];
}

/** One server of the hub: "docs (streamable-http): add, echo", or why it lists none. */
export function serverLine(server: HubServer): string {
  const tools = server.tools.map((tool) => tool.name).sort();
  const listed = tools.length === 0 ? "no tools listed" : tools.join(", ");
  const why = server.status === "healthy" || server.error === null ? "" : ` (last check: ${server.error})`;
  return `${server.name} (${server.transport}): ${listed}${why}`;
}

/** The summary of the hub's servers: how many, and how many distinct tools they offer. */
export function serversSummary(servers: readonly HubServer[]): string {
  if (servers.length === 0) return "No MCP servers are registered. Register one in Settings.";
  const tools = new Set(servers.flatMap((server) => server.tools.map((tool) => tool.name))).size;
  const s = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${s(servers.length, "MCP server")} offering ${s(tools, "tool")}:`;
}
