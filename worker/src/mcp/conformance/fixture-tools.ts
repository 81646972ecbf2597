/**
 * The tools the MCP conformance suite calls by name (`test_simple_text`, ...),
 * written from the behaviour its server scenarios describe. Server-to-client
 * requests go through `extra.sendRequest`, so they travel on the request's own
 * stream (the session's Durable Object receives the client's answer).
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import type { RequestHandlerExtra } from "@modelcontextprotocol/sdk/shared/protocol.js";
import {
  type CallToolResult,
  CreateMessageResultSchema,
  type ElicitRequest,
  ElicitResultSchema,
  type ServerNotification,
  type ServerRequest,
} from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import { PNG_1X1_BASE64, silentWavBase64 } from "./media.ts";

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (value: string): CallToolResult => ({ content: [{ type: "text", text: value }] });

type RequestedSchema = ElicitRequest["params"] extends infer P
  ? P extends { requestedSchema: infer S }
    ? S
    : never
  : never;

async function elicit(extra: Extra, message: string, requestedSchema: RequestedSchema): Promise<CallToolResult> {
  const result = await extra.sendRequest(
    { method: "elicitation/create", params: { mode: "form", message, requestedSchema } },
    ElicitResultSchema,
  );
  return text(`Elicitation completed: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
}

const SEP1034_SCHEMA: RequestedSchema = {
  type: "object",
  properties: {
    name: { type: "string", description: "User name", default: "John Doe" },
    age: { type: "integer", description: "User age", default: 30 },
    score: { type: "number", description: "User score", default: 95.5 },
    status: { type: "string", description: "User status", enum: ["active", "inactive", "pending"], default: "active" },
    verified: { type: "boolean", description: "Verification status", default: true },
  },
};

const SEP1330_SCHEMA: RequestedSchema = {
  type: "object",
  properties: {
    untitledSingle: { type: "string", enum: ["option1", "option2", "option3"] },
    titledSingle: {
      type: "string",
      oneOf: [
        { const: "value1", title: "First Option" },
        { const: "value2", title: "Second Option" },
        { const: "value3", title: "Third Option" },
      ],
    },
    legacyEnum: {
      type: "string",
      enum: ["opt1", "opt2", "opt3"],
      enumNames: ["Option One", "Option Two", "Option Three"],
    },
    untitledMulti: { type: "array", items: { type: "string", enum: ["option1", "option2", "option3"] } },
    titledMulti: {
      type: "array",
      items: {
        anyOf: [
          { const: "value1", title: "First Choice" },
          { const: "value2", title: "Second Choice" },
          { const: "value3", title: "Third Choice" },
        ],
      },
    },
  },
};

export function registerFixtureTools(server: McpServer): void {
  const tool = (name: string, description: string, run: (extra: Extra) => Promise<CallToolResult> | CallToolResult) =>
    server.registerTool(name, { description }, (extra) => run(extra));

  tool("test_simple_text", "Returns simple text", () => text("This is a simple text response for testing."));
  tool("test_image_content", "Returns a PNG image", () => ({
    content: [{ type: "image", data: PNG_1X1_BASE64, mimeType: "image/png" }],
  }));
  tool("test_audio_content", "Returns a WAV clip", () => ({
    content: [{ type: "audio", data: silentWavBase64(), mimeType: "audio/wav" }],
  }));
  tool("test_embedded_resource", "Returns an embedded resource", () => ({
    content: [
      {
        type: "resource",
        resource: {
          uri: "test://embedded-resource",
          mimeType: "text/plain",
          text: "This is an embedded resource content.",
        },
      },
    ],
  }));
  tool("test_multiple_content_types", "Returns text, image and a resource", () => ({
    content: [
      { type: "text", text: "Multiple content types test:" },
      { type: "image", data: PNG_1X1_BASE64, mimeType: "image/png" },
      {
        type: "resource",
        resource: {
          uri: "test://mixed-content-resource",
          mimeType: "application/json",
          text: JSON.stringify({ test: "data", value: 123 }),
        },
      },
    ],
  }));
  tool("test_tool_with_logging", "Logs three messages while it runs", async (extra) => {
    const note = (data: string) =>
      extra.sendNotification({ method: "notifications/message", params: { level: "info", data } });
    await note("Tool execution started");
    await sleep(50);
    await note("Tool processing data");
    await sleep(50);
    await note("Tool execution completed");
    return text("Tool with logging executed successfully");
  });
  tool("test_error_handling", "Always fails", () => ({
    isError: true,
    content: [{ type: "text", text: "This tool intentionally returns an error for testing" }],
  }));
  tool("test_tool_with_progress", "Reports progress 0, 50, 100", async (extra) => {
    const progressToken = extra._meta?.progressToken;
    for (const progress of [0, 50, 100]) {
      if (progressToken !== undefined) {
        await extra.sendNotification({
          method: "notifications/progress",
          params: { progressToken, progress, total: 100, message: `Completed step ${progress / 50 + 1} of 3` },
        });
      }
      if (progress < 100) await sleep(50);
    }
    return text(String(progressToken ?? "no progress token"));
  });
  server.registerTool(
    "test_sampling",
    { description: "Asks the client's LLM", inputSchema: { prompt: z.string() } },
    async ({ prompt }, extra) => {
      const result = await extra.sendRequest(
        {
          method: "sampling/createMessage",
          params: { messages: [{ role: "user", content: { type: "text", text: prompt } }], maxTokens: 100 },
        },
        CreateMessageResultSchema,
      );
      const reply = result.content.type === "text" ? result.content.text : `[${result.content.type}]`;
      return text(`LLM response: ${reply}`);
    },
  );
  server.registerTool(
    "test_elicitation",
    { description: "Asks the user for input", inputSchema: { message: z.string() } },
    async ({ message }, extra) => {
      const result = await extra.sendRequest(
        {
          method: "elicitation/create",
          params: {
            mode: "form",
            message,
            requestedSchema: {
              type: "object",
              properties: {
                username: { type: "string", description: "User's response" },
                email: { type: "string", description: "User's email address" },
              },
              required: ["username", "email"],
            },
          },
        },
        ElicitResultSchema,
      );
      return text(`User response: action=${result.action}, content=${JSON.stringify(result.content ?? {})}`);
    },
  );
  tool("test_elicitation_sep1034_defaults", "Elicitation with defaults (SEP-1034)", (extra) =>
    elicit(extra, "Test client default value handling - please accept with defaults", SEP1034_SCHEMA),
  );
  tool("test_elicitation_sep1330_enums", "Elicitation with every enum form (SEP-1330)", (extra) =>
    elicit(extra, "Test enum schema variants", SEP1330_SCHEMA),
  );
}
