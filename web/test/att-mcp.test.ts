/** ATT mode and the MCP client hub: reading tool calls, checking the tool, and showing the hub's answers. */
import { describe, expect, it } from "vitest";
import {
  describeStep,
  type InterpretContext,
  interpret,
  KNOWN_COMMANDS,
  wantsHubTools,
} from "../src/lib/chat/att-commands.ts";
import {
  argumentsLabel,
  attemptLine,
  callSummary,
  readToolCall,
  serverLine,
  serversSummary,
  toolResultText,
  unknownToolMessage,
} from "../src/lib/chat/att-mcp.ts";

const context: InterpretContext = {
  templates: [{ id: "chatbot", title: "Chatbot", available: true }],
  projectNames: ["hello_bot"],
  current: { id: "p_1", name: "hello_bot" },
  mcpTools: ["echo", "add", "Search.Docs", "echo"],
};

describe("readToolCall", () => {
  it("reads the tool and its JSON arguments as typed: case, commas and ' and ' inside strings are kept", () => {
    expect(readToolCall('call echo with {"text":"hi"}')).toEqual({
      kind: "call",
      tool: "echo",
      arguments: { text: "hi" },
    });
    expect(readToolCall('Call Search.Docs with {"Query": "Hello, World and then more", "n": 2}')).toEqual({
      kind: "call",
      tool: "Search.Docs",
      arguments: { Query: "Hello, World and then more", n: 2 },
    });
  });

  it("takes no arguments, an object without “with”, and a few natural wordings", () => {
    const echo = (args: Record<string, unknown>) => ({ kind: "call", tool: "echo", arguments: args });
    expect(readToolCall("call echo")).toEqual(echo({}));
    expect(readToolCall('call echo {"text":"x"}')).toEqual(echo({ text: "x" }));
    expect(readToolCall('please call the echo tool with {"text":"x"}.')).toEqual(echo({ text: "x" }));
    expect(readToolCall('call `echo` using the arguments {"text":"x"}')).toEqual(echo({ text: "x" }));
    expect(readToolCall('call echo with\n{\n  "text": "two\\nlines"\n}')).toEqual(echo({ text: "two\nlines" }));
    // A tool may be called "the" or "tool".
    expect(readToolCall("call the")).toEqual({ kind: "call", tool: "the", arguments: {} });
    expect(readToolCall('call tool with {"a":1}')).toEqual({ kind: "call", tool: "tool", arguments: { a: 1 } });
  });

  it("is null for anything that is not a tool call", () => {
    expect(readToolCall("list projects")).toBeNull();
    expect(readToolCall("create a project and call it bot")).toBeNull();
    expect(readToolCall("call")).toBeNull();
  });

  it("says what is wrong with the arguments instead of calling", () => {
    const message = (text: string) => {
      const read = readToolCall(text);
      return read?.kind === "invalid" ? read.message : `not refused: ${JSON.stringify(read)}`;
    };
    expect(message('call echo with {"text": hi}')).toMatch(
      /^The arguments are not valid JSON: .+ Nothing was called\.$/,
    );
    expect(message("call echo with [1, 2]")).toContain("must be a JSON object");
    expect(message('call echo with "hi"')).toContain("must be a JSON object");
    expect(message("call echo with")).toContain("Give the arguments after “with” as a JSON object");
    expect(message("call echo with {\u201ctext\u201d: \u201chi\u201d}")).toContain("Use straight quotes");
    expect(message("call echo hello")).toContain("a JSON object after “with”");
    expect(message('call echo with {"text":"hi"} and list projects')).toContain("not valid JSON");
    expect(message('call {"text":"hi"}')).toContain("Say which tool to call");
    expect(message(`call ${"x".repeat(257)}`)).toContain("at most 256 characters");
  });
});

describe("interpret: hub commands", () => {
  it("plans a call of a tool some server lists, by its exact name", () => {
    expect(interpret('call echo with {"text":"hello hub"}', context)).toEqual({
      kind: "plan",
      steps: [{ op: "call", tool: "echo", arguments: { text: "hello hub" } }],
    });
    expect(interpret("call Search.Docs", context)).toMatchObject({ kind: "plan", steps: [{ tool: "Search.Docs" }] });
  });

  it("refuses a tool no server lists, naming the tools there are and a near miss", () => {
    const unknown = interpret('call ECHO with {"text":"x"}', context);
    expect(unknown).toEqual({
      kind: "invalid",
      message:
        "No registered MCP server offers a tool “ECHO”. Did you mean “echo”? Tools: Search.Docs, add, echo. Say “list mcp tools” to see the servers.",
    });
    expect(interpret("call nope", { ...context, mcpTools: [] })).toMatchObject({
      kind: "invalid",
      message: expect.stringContaining("none lists any tools"),
    });
  });

  it("leaves the check to the hub when its tools are not known", () => {
    expect(interpret("call nope", { ...context, mcpTools: null })).toEqual({
      kind: "plan",
      steps: [{ op: "call", tool: "nope", arguments: {} }],
    });
  });

  it("reports bad JSON as invalid, so nothing runs", () => {
    expect(interpret("call echo with {text: hi}", context)).toMatchObject({
      kind: "invalid",
      message: expect.stringContaining("not valid JSON"),
    });
  });

  it("does not take a tool call in the middle of a chain", () => {
    expect(interpret('show status and call echo with {"text":"x"}', context)).toMatchObject({
      kind: "invalid",
      message: expect.stringContaining("a request of its own"),
    });
  });

  it("lists the hub's servers and tools in several wordings, and chains it with others", () => {
    const list = { kind: "plan", steps: [{ op: "mcp-tools" }] };
    for (const text of [
      "list mcp tools",
      "mcp tools",
      "MCP tools?",
      "show the mcp servers",
      "list tools",
      "what are the hub's tools",
      "list the tools of the hub",
    ]) {
      expect(interpret(text, context), text).toEqual(list);
    }
    expect(interpret("list projects and mcp tools", context)).toEqual({
      kind: "plan",
      steps: [{ op: "list" }, { op: "mcp-tools" }],
    });
    expect(interpret("list mcp gadgets", context)).toMatchObject({ kind: "unknown" });
  });

  it("asks for the hub's tools only for a well-formed tool call", () => {
    expect(wantsHubTools('call echo with {"text":"x"}')).toBe(true);
    expect(wantsHubTools("call echo with {")).toBe(false);
    expect(wantsHubTools("list mcp tools")).toBe(false);
  });

  it("shows the operation and route of hub steps, and the help lists both commands", () => {
    expect(describeStep({ op: "call", tool: "echo", arguments: { text: "hi" } })).toEqual({
      title: 'Call the MCP tool echo with {"text":"hi"}',
      operation: "mcp.call",
      route: "POST /api/v1/mcp/tools/call",
    });
    expect(describeStep({ op: "mcp-tools" })).toMatchObject({
      operation: "mcp.servers",
      route: "GET /api/v1/mcp/servers",
    });
    const examples = KNOWN_COMMANDS.map((c) => c.example);
    expect(examples).toContain("list mcp tools");
    const call = examples.find((e) => e.startsWith("call "));
    // The help's example is itself a request the interpreter reads as a call.
    expect(call !== undefined && readToolCall(call)).toEqual({ kind: "call", tool: "echo", arguments: { text: "hi" } });
  });
});

describe("showing the hub's answers", () => {
  it("labels arguments compactly, cut when long", () => {
    expect(argumentsLabel({})).toBe("no arguments");
    expect(argumentsLabel({ a: 1 })).toBe('{"a":1}');
    const long = argumentsLabel({ text: "x".repeat(500) });
    expect(long).toHaveLength(120);
    expect(long.endsWith("…")).toBe(true);
  });

  it("makes text of a tool's content blocks, or of its structured content", () => {
    expect(
      toolResultText({
        content: [
          { type: "text", text: "hello hub" },
          { type: "image", data: "AAAA", mimeType: "image/png" },
          { type: "resource_link", uri: "file:///a.txt", name: "a" },
          { type: "resource", resource: { uri: "x://y", text: "inline" } },
          { type: "resource", resource: { uri: "x://blob", blob: "AAAA" } },
        ],
      }),
    ).toBe("hello hub\n[image image/png]\n[resource link file:///a.txt]\ninline\n[resource x://blob]");
    expect(toolResultText({ content: [], structuredContent: { sum: 3 } })).toBe('{\n  "sum": 3\n}');
    expect(toolResultText({ content: [] })).toBe("(the tool answered with no content)");
    expect(toolResultText({ content: [{ type: "text", text: "abcdef" }] }, 3)).toBe("abc… (3 more characters)");
  });

  it("says which server answered and which failed before it", () => {
    const down = {
      serverName: "down",
      transport: "streamable-http",
      status: "healthy",
      ok: false,
      error: "connection refused",
      durationMs: 3,
    };
    const up = { ...down, serverName: "up", ok: true, error: null, durationMs: 12 };
    expect(attemptLine(down)).toBe("down (streamable-http, was healthy) failed after 3 ms: connection refused");
    expect(attemptLine(up)).toBe("up (streamable-http, was healthy) answered after 12 ms");
    const answer = { tool: "echo", serverName: "up", attempts: [down, up], result: { isError: false } };
    expect(callSummary(answer)).toBe("echo answered by up (streamable-http), after 1 failed attempt.");
    expect(callSummary({ ...answer, attempts: [up], result: { isError: true } })).toBe(
      "echo answered by up (streamable-http); the tool reported an error.",
    );
  });

  it("lists servers with their tools, and why a server lists none", () => {
    const healthy = { name: "fixture", transport: "streamable-http", status: "healthy", error: null };
    const servers = [
      { ...healthy, tools: [{ name: "echo" }, { name: "add" }] },
      { ...healthy, name: "twin", tools: [{ name: "echo" }] },
      { ...healthy, name: "gone", status: "degraded", error: "connection refused", tools: [] },
    ];
    expect(servers.map(serverLine)).toEqual([
      "fixture (streamable-http): add, echo",
      "twin (streamable-http): echo",
      "gone (streamable-http): no tools listed (last check: connection refused)",
    ]);
    expect(serversSummary(servers)).toBe("3 MCP servers offering 2 tools:");
    expect(serversSummary(servers.slice(1, 2))).toBe("1 MCP server offering 1 tool:");
    expect(serversSummary([])).toContain("No MCP servers are registered");
  });

  it("keeps the tool list of a refusal short", () => {
    const many = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, "0")}`);
    const message = unknownToolMessage("nope", many);
    expect(message).toContain("t29 and 10 more.");
    expect(message).not.toContain("t30");
    expect(unknownToolMessage("t01", many)).toBeNull();
  });
});
