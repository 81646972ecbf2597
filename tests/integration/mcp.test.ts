/**
 * ATT's remote MCP server with real clients: the SDK's Client over Streamable
 * HTTP and the MCP Inspector CLI, against wrangler dev and a real agent.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ProjectsListResult } from "@att/shared";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ATT_TOOLS } from "../../worker/src/mcp/tools.ts";
import { repoRoot, Stack } from "../support/stack.ts";

const INSPECTOR = path.join(
  repoRoot,
  "node_modules",
  "@modelcontextprotocol",
  "inspector",
  "clients",
  "launcher",
  "build",
  "index.js",
);

let stack: Stack;
let client: Client;

async function connect(token: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  const connected = new Client({ name: "att-integration", version: "1.0.0" });
  await connected.connect(transport);
  return connected;
}

/** The Inspector's CLI mode; HOME points at a temp dir because it keeps state under ~/.mcp-inspector. */
function inspector(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const home = mkdtempSync(path.join(os.tmpdir(), "att-inspector-"));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [INSPECTOR, "--cli", `${stack.url}/mcp`, "--transport", "http", ...args],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, HOME: home }, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        rmSync(home, { recursive: true, force: true });
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

beforeAll(async () => {
  stack = await Stack.start();
  stack.addProjectDir("mcp_demo");
  await stack.startLinkedAgent();
  client = await connect(stack.userToken);
}, 120_000);

afterAll(async () => {
  await client?.close();
  await stack?.dispose();
});

describe("MCP over Streamable HTTP with the SDK client", () => {
  it("lists every ATT tool with schemas and annotations", async () => {
    const { tools } = await client.listTools();
    // Every agent-operation tool, plus the ones the workspace answers itself (workflows, the hub), as the descriptor lists them.
    const descriptor = await stack.json<{ tools: Array<{ name: string }> }>("/api/v1/mcp/.well-known");
    const expected = descriptor.tools.map((tool) => tool.name);
    expect(expected).toEqual(expect.arrayContaining([...ATT_TOOLS.map((tool) => tool.name), "att.self.change"]));
    expect(tools.map((tool) => tool.name).sort()).toEqual(expected.sort());
    for (const name of [
      "att.runtime.start",
      "att.runtime.chat",
      "att.test.run",
      "att.deploy.run",
      "att.debug.errors",
    ]) {
      expect(tools.map((tool) => tool.name)).toContain(name);
    }
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.outputSchema?.type).toBe("object");
      expect(tool.annotations?.title).toBe(tool.title);
    }
    expect(client.getServerVersion()).toMatchObject({ name: "att" });
  });

  it("calls att.project.list through the agent; structured content matches REST", async () => {
    const result = await client.callTool({ name: "att.project.list", arguments: {} });
    expect(result.isError).toBeFalsy();
    const listed = ProjectsListResult.parse(result.structuredContent);
    expect(listed.projects.map((p) => p.name)).toContain("mcp_demo");
    const rest = await stack.json<unknown>("/api/v1/projects");
    expect(listed).toEqual(ProjectsListResult.parse(rest));
    const [block] = result.content as Array<{ type: string; text: string }>;
    expect(JSON.parse(block?.text ?? "null")).toEqual(result.structuredContent);
  });

  it("reports a failing operation as isError with REST's stable code", async () => {
    const result = await client.callTool({ name: "att.project.status", arguments: { projectId: "no_such_project" } });
    expect(result.isError).toBe(true);
    const [block] = result.content as Array<{ type: string; text: string }>;
    const { error } = JSON.parse(block?.text ?? "{}") as { error: { code: string; message: string } };
    const rest = await stack.api("/api/v1/projects/no_such_project");
    const problem = (await rest.json()) as { code: string };
    expect(error.code).toBe(problem.code);
    expect(error.code).toBe("not_found");
  });

  it("reads att://projects", async () => {
    const { contents } = await client.readResource({ uri: "att://projects" });
    expect(contents).toHaveLength(1);
    const [content] = contents;
    expect(content?.mimeType).toBe("application/json");
    const text = content !== undefined && "text" in content ? content.text : "";
    expect(ProjectsListResult.parse(JSON.parse(text)).projects.map((p) => p.name)).toContain("mcp_demo");
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([
      "att://project/{id}/ci",
      "att://project/{id}/config",
      "att://project/{id}/files",
      "att://project/{id}/logs",
      "att://project/{id}/logs{?after}",
      "att://project/{id}/tests",
    ]);
  });

  it("refuses a client with the wrong token", async () => {
    await expect(connect("not-the-token")).rejects.toThrow(/401|nauthori/);
  });
});

describe("MCP Inspector CLI", () => {
  it("lists the tools with the bearer header", async () => {
    const run = await inspector(["--header", `Authorization: Bearer ${stack.userToken}`, "--method", "tools/list"]);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const { tools } = JSON.parse(run.stdout) as { tools: Array<{ name: string }> };
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["att.project.list", "att.git.branch"]));
  });

  it("calls att.project.list", async () => {
    const run = await inspector([
      "--header",
      `Authorization: Bearer ${stack.userToken}`,
      "--method",
      "tools/call",
      "--tool-name",
      "att.project.list",
    ]);
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    const result = JSON.parse(run.stdout) as { structuredContent: unknown };
    expect(ProjectsListResult.parse(result.structuredContent).projects.map((p) => p.name)).toContain("mcp_demo");
  });
});
