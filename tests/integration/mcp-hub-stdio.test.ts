/**
 * stdio MCP servers through the agent, on the real stack: the reference
 * server-everything registered as a command, run by the linked agent in its
 * own process group, checked, called and read through the hub, with its env
 * values masked in every answer. Stopping the agent ends the server and makes
 * it degraded, then unreachable; a new agent brings it back to healthy. A
 * tool offered by a stopped HTTP server fails over to the stdio one.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { McpResourceList, McpResourceReadResult, McpServer, McpToolCallResult } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EVERYTHING_STDIO } from "../support/everything-server.ts";
import { McpFixtureServer } from "../support/mcp-fixture-server.ts";
import { register, SERVERS, waitForServer } from "../support/mcp-hub.ts";
import { Stack } from "../support/stack.ts";

let stack: Stack;
let dir: string;
let http: McpServer;
const fixture = new McpFixtureServer();
const secret = `secret-${crypto.randomUUID()}`;

beforeAll(async () => {
  stack = await Stack.start({ controlPlaneVars: { ATT_MCP_CHECK_INTERVAL_MS: "1500" } });
  await stack.startLinkedAgent();
  await fixture.start();
  // Registered first, so among healthy servers it is tried first.
  http = await register(stack, { name: "fixture-http", url: fixture.url });
  dir = mkdtempSync(path.join(os.tmpdir(), "att-hub-stdio-"));
}, 120_000);

afterAll(async () => {
  await fixture.stop();
  await stack?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function post<T>(pathname: string, body: unknown): Promise<T> {
  return stack.json<T>(pathname, { method: "POST", body: JSON.stringify(body) });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("server-everything over stdio, run by the agent", () => {
  let everything: McpServer;
  const pidFile = () => path.join(dir, "pid");

  it("registers healthy, with its tools, and shows the env only masked", async () => {
    // The shell records its pid and becomes the server (exec), so the test can watch the process.
    everything = await register(stack, {
      name: "everything",
      transport: "stdio",
      command: "/bin/sh",
      args: ["-c", `echo $$ > ${pidFile()}; exec "$0" "$@"`, EVERYTHING_STDIO.command, ...EVERYTHING_STDIO.args],
      env: { HUB_SECRET_TOKEN: secret },
    });
    expect(everything).toMatchObject({ transport: "stdio", url: null, command: "/bin/sh", status: "healthy" });
    expect(everything.env).toEqual({ HUB_SECRET_TOKEN: `****${secret.slice(-4)}` });
    expect(everything.tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "get-env", "get-sum"]));
    expect(everything.capabilities).toEqual(expect.arrayContaining(["tools", "resources", "prompts"]));
    const listed = await stack.api(SERVERS);
    expect(await listed.text()).not.toContain(secret);
  });

  it("calls its tools; the server got the real env value", async () => {
    const sum = await post<McpToolCallResult>(`${SERVERS}/${everything.id}/tools/call`, {
      name: "get-sum",
      arguments: { a: 2, b: 40 },
    });
    expect(JSON.stringify(sum.result.content)).toContain("42");
    expect(sum.attempts).toMatchObject([{ transport: "stdio", ok: true }]);
    const env = await post<McpToolCallResult>(`${SERVERS}/${everything.id}/tools/call`, { name: "get-env" });
    expect(JSON.stringify(env.result.content)).toContain(secret);
  });

  it("lists and reads its resources", async () => {
    const listing = await stack.json<McpResourceList>(`${SERVERS}/${everything.id}/resources`);
    expect(listing.resources.length).toBeGreaterThan(0);
    const uri = listing.resources[0]?.uri ?? "";
    const read = await post<McpResourceReadResult>(`${SERVERS}/${everything.id}/resources/read`, { uri });
    expect(read.contents[0]?.uri).toBe(uri);
  });

  it("the agent keeps one process across checks", async () => {
    const pid = Number(readFileSync(pidFile(), "utf8"));
    const before = await waitForServer(stack, everything.id, () => true);
    await waitForServer(stack, everything.id, (s) => s.lastCheckedAt !== before.lastCheckedAt);
    expect(Number(readFileSync(pidFile(), "utf8"))).toBe(pid);
    expect(isAlive(pid)).toBe(true);
  });

  it("fails over from a stopped HTTP server offering the same tool to the stdio one", async () => {
    await fixture.stop();
    // Both servers have `echo`: the fixture's takes `text`, server-everything's `message`; each ignores the other.
    const result = await post<McpToolCallResult>("/api/v1/mcp/tools/call", {
      name: "echo",
      arguments: { text: "hello", message: "hello" },
      serverIds: [http.id, everything.id],
    });
    expect(result.serverId).toBe(everything.id);
    expect(result.attempts.map((a) => [a.serverName, a.transport, a.ok])).toEqual([
      ["fixture-http", "streamable-http", false],
      ["everything", "stdio", true],
    ]);
    expect(result.attempts[0]?.error).toContain("connection refused");
    expect(JSON.stringify(result.result.content)).toContain("Echo: hello");
  });

  it("the agent stops: its server ends with it, and the hub marks it degraded, then unreachable", async () => {
    const pid = Number(readFileSync(pidFile(), "utf8"));
    await stack.stopAgents();
    const deadline = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(pid)).toBe(false);
    const degraded = await waitForServer(stack, everything.id, (s) => s.status === "degraded");
    expect(degraded.error).toContain("no agent is linked");
    await waitForServer(stack, everything.id, (s) => s.status === "unreachable");
  });

  it("a new agent: healthy again at the next retry, in a new process", async () => {
    const old = Number(readFileSync(pidFile(), "utf8"));
    await stack.startLinkedAgent();
    await waitForServer(stack, everything.id, (s) => s.status === "healthy", 30_000);
    const pid = Number(readFileSync(pidFile(), "utf8"));
    expect(pid).not.toBe(old);
    expect(isAlive(pid)).toBe(true);
  });

  it("a command that does not exist registers as degraded, saying so", async () => {
    const missing = await register(stack, { name: "missing", transport: "stdio", command: "att-no-such-mcp-server" });
    expect(missing.status).toBe("degraded");
    expect(missing.error).toContain("cannot start 'att-no-such-mcp-server'");
  });

  it("unregistering stops the server on the agent", async () => {
    const pid = Number(readFileSync(pidFile(), "utf8"));
    expect((await stack.api(`${SERVERS}/${everything.id}`, { method: "DELETE" })).status).toBe(204);
    const deadline = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(pid)).toBe(false);
  });
});
