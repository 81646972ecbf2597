/**
 * The MCP client hub against NAT's own MCP server: the mcp_server template
 * served by the real `nat mcp serve` (started through ATT's runtime on a
 * fixed port), registered with the hub, its tools listed and called; the app
 * is stopped (degraded, then unreachable) and started again (healthy).
 */
import { execFile } from "node:child_process";
import os from "node:os";
import type { McpServer, McpToolCallResult, RuntimeStatus } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { register, waitForServer } from "../support/mcp-hub.ts";
import { ensureNatVenv } from "../support/nat-venv.ts";
import { freePort, Stack } from "../support/stack.ts";

/** Unique per run: the package registers NAT types named after the project. */
const name = `hub_mcp_${Math.random().toString(36).slice(2, 8)}`;
let stack: Stack;
let projectId: string;
let port: number;
let installed = false;

function pip(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return ensureNatVenv().then(
    (venv) =>
      new Promise((resolve) => {
        execFile(venv.pip, args, { cwd, timeout: 300_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
          resolve({ code, output: `${stdout}\n${stderr}`.slice(-4000) });
        });
      }),
  );
}

async function runtime(action: "start" | "stop", body: Record<string, unknown>): Promise<RuntimeStatus> {
  const { status } = await stack.json<{ status: RuntimeStatus }>(`/api/v1/projects/${projectId}/runtime/${action}`, {
    method: "POST",
    body: JSON.stringify(body),
  });
  return status;
}

beforeAll(async () => {
  stack = await Stack.startLinkedWithNat({ controlPlaneVars: { ATT_MCP_CHECK_INTERVAL_MS: "2000" } });
  const { project } = await stack.json<{ project: { id: string; path: string } }>("/api/v1/projects", {
    method: "POST",
    body: JSON.stringify({ name, template: "mcp_server" }),
  });
  projectId = project.id;
  // NAT finds the project's functions through its installed package (editable, no dependencies).
  const install = await pip(["install", "-q", "--no-deps", "--no-build-isolation", "-e", project.path], project.path);
  expect(install.code, install.output).toBe(0);
  installed = true;
  port = await freePort();
}, 900_000);

afterAll(async () => {
  await stack?.dispose();
  if (installed) await pip(["uninstall", "-y", "-q", name], os.tmpdir());
}, 300_000);

describe("NAT's `nat mcp serve` as an external server", () => {
  let nat: McpServer;

  it("registers healthy with NAT's tools", async () => {
    const status = await runtime("start", { kind: "mcp", port });
    expect(status).toMatchObject({ kind: "mcp", state: "running" });
    nat = await register(stack, { name: "nat", url: `http://127.0.0.1:${port}/mcp` });
    expect(nat.status).toBe("healthy");
    expect(nat.tools.map((t) => t.name)).toEqual(expect.arrayContaining(["text_stats", "current_datetime"]));
  }, 240_000);

  it("calls a NAT tool by name through the hub", async () => {
    const result = await stack.json<McpToolCallResult>("/api/v1/mcp/tools/call", {
      method: "POST",
      body: JSON.stringify({ name: "text_stats", arguments: { text: "one two\nthree" } }),
    });
    expect(result.serverId).toBe(nat.id);
    expect(result.result.isError).toBe(false);
    expect(result.result.content).toEqual([{ type: "text", text: "characters=13 words=3 lines=2" }]);
  });

  it("the app stops: degraded, then unreachable", async () => {
    await runtime("stop", {});
    await waitForServer(stack, nat.id, (s) => s.status === "degraded");
    await waitForServer(stack, nat.id, (s) => s.status === "unreachable");
  });

  it("started again on the same port: healthy", async () => {
    await runtime("start", { kind: "mcp", port });
    const healthy = await waitForServer(stack, nat.id, (s) => s.status === "healthy", 60_000);
    expect(healthy.consecutiveFailures).toBe(0);
    await runtime("stop", {});
  }, 240_000);
});
