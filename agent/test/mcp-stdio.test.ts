/**
 * The agent's stdio MCP servers with real processes: the reference
 * server-everything started on first use and kept (the same process answers
 * again), env passed and secrets kept out of errors, a changed configuration
 * replacing the process, servers that exit, cannot start or never answer,
 * idle servers closed, and every process group (grandchildren included) ended
 * on close and when the agent stops.
 */

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { OperationError } from "../src/operations/errors.ts";
import { stopMcpServers } from "../src/operations/mcp/index.ts";
import { StdioPool } from "../src/operations/mcp/pool.ts";
import { eventually, isAlive, liveGroupMembers } from "./fixtures/runs/support.ts";
import { callOperation } from "./support/call.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

const entry = createRequire(import.meta.url).resolve("@modelcontextprotocol/server-everything/dist/index.js");
const EVERYTHING = { command: process.execPath, args: [entry, "stdio"] };

let ctx: TestContext;
beforeEach(() => {
  ctx = createTestContext();
});
afterEach(async () => {
  await stopMcpServers();
  await ctx?.dispose();
});

const serverId = () => `s-${crypto.randomUUID().slice(0, 8)}`;

async function failure(run: Promise<unknown>): Promise<OperationError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OperationError);
  expect((error as OperationError).code).toBe("upstream_error");
  return error as OperationError;
}

describe("mcp.stdio.* with server-everything", () => {
  it("checks, calls and reads through one kept process", async () => {
    const id = serverId();
    const check = await callOperation(ctx, "mcp.stdio.check", { serverId: id, config: EVERYTHING });
    expect(check.serverInfo?.name).toContain("everything");
    expect(check.protocolVersion).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(check.capabilities).toEqual(expect.arrayContaining(["tools", "resources", "prompts"]));
    expect(check.tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "get-sum", "get-env"]));
    expect(check.resourcesCount).toBeGreaterThan(0);
    expect(check.pid).not.toBeNull();

    const echo = await callOperation(ctx, "mcp.stdio.call", {
      serverId: id,
      config: EVERYTHING,
      name: "echo",
      arguments: { message: "hi" },
    });
    expect(echo).toEqual({ content: [{ type: "text", text: "Echo: hi" }], isError: false });

    const listing = await callOperation(ctx, "mcp.stdio.resources", { serverId: id, config: EVERYTHING });
    expect(listing.resources.length).toBe(check.resourcesCount);
    expect(listing.resourceTemplates.length).toBeGreaterThan(0);
    const uri = listing.resources[0]?.uri ?? "";
    const read = await callOperation(ctx, "mcp.stdio.read", { serverId: id, config: EVERYTHING, uri });
    expect(read.contents[0]).toMatchObject({ uri });

    const again = await callOperation(ctx, "mcp.stdio.check", { serverId: id, config: EVERYTHING });
    expect(again.pid).toBe(check.pid);
    expect(await callOperation(ctx, "mcp.stdio.close", { serverId: id })).toEqual({ closed: true });
    expect(await eventually(() => !isAlive(check.pid ?? 0))).toBe(true);
    expect(await callOperation(ctx, "mcp.stdio.close", { serverId: id })).toEqual({ closed: false });
  });

  it("passes env to the server; a changed configuration replaces the process", async () => {
    const id = serverId();
    const config = { ...EVERYTHING, env: { ATT_HUB_TEST_VALUE: "value-one" } };
    const first = await callOperation(ctx, "mcp.stdio.check", { serverId: id, config });
    const env = await callOperation(ctx, "mcp.stdio.call", { serverId: id, config, name: "get-env" });
    expect(JSON.stringify(env.content)).toContain("value-one");
    const changed = { ...EVERYTHING, env: { ATT_HUB_TEST_VALUE: "value-two" } };
    const second = await callOperation(ctx, "mcp.stdio.check", { serverId: id, config: changed });
    expect(second.pid).not.toBe(first.pid);
    expect(await eventually(() => !isAlive(first.pid ?? 0))).toBe(true);
  });

  it("a server that is killed is started again by the next request", async () => {
    const id = serverId();
    const first = await callOperation(ctx, "mcp.stdio.check", { serverId: id, config: EVERYTHING });
    process.kill(first.pid ?? 0, "SIGKILL");
    expect(await eventually(() => !isAlive(first.pid ?? 0))).toBe(true);
    // The kept client notices the exit; the next check starts a new process.
    const next = await callOperation(ctx, "mcp.stdio.check", { serverId: id, config: EVERYTHING }).catch(() =>
      callOperation(ctx, "mcp.stdio.check", { serverId: id, config: EVERYTHING }),
    );
    expect(next.pid).not.toBe(first.pid);
  });
});

describe("failures say why", () => {
  it("a server that exits: its exit code and the end of its stderr, without the env's secrets", async () => {
    const secret = `secret-${crypto.randomUUID()}`;
    const config = {
      command: process.execPath,
      args: ["-e", "process.stderr.write('cannot start: token ' + process.env.TOKEN); process.exit(3)"],
      env: { TOKEN: secret },
    };
    const error = await failure(callOperation(ctx, "mcp.stdio.check", { serverId: serverId(), config }));
    expect(error.message).toContain("initialize: the server exited with code 3: cannot start: token ****");
    expect(error.message).not.toContain(secret);
  });

  it("a program that does not exist", async () => {
    const config = { command: "att-no-such-mcp-server" };
    const error = await failure(callOperation(ctx, "mcp.stdio.check", { serverId: serverId(), config }));
    expect(error.message).toBe(
      "initialize: cannot start 'att-no-such-mcp-server': no such program on the agent's PATH",
    );
  });

  it("a server that never answers: the deadline, and the process is ended", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "att-mcp-"));
    const pidFile = path.join(dir, "pid");
    const config = {
      command: process.execPath,
      args: [
        "-e",
        `require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000)`,
      ],
    };
    const error = await failure(
      callOperation(ctx, "mcp.stdio.check", { serverId: serverId(), config, timeoutMs: 500 }),
    );
    expect(error.message).toBe("initialize: no answer within 0.5 s");
    const pid = Number(readFileSync(pidFile, "utf8"));
    expect(await eventually(() => !isAlive(pid))).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("process groups", () => {
  it("closing a server ends its whole group, grandchildren included; so does stopping the agent", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "att-mcp-"));
    const sleeper = path.join(dir, "sleeper");
    const config = {
      command: "/bin/sh",
      args: ["-c", `sleep 300 & echo $! > ${sleeper}; exec ${process.execPath} ${entry} stdio`],
    };
    const check = await callOperation(ctx, "mcp.stdio.check", { serverId: serverId(), config });
    const pgid = check.pid ?? 0;
    const grandchild = Number(readFileSync(sleeper, "utf8"));
    expect(liveGroupMembers(pgid)).toEqual(expect.arrayContaining([pgid, grandchild]));
    await stopMcpServers();
    expect(await eventually(() => liveGroupMembers(pgid).length === 0)).toBe(true);
    expect(isAlive(grandchild)).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it("an idle server is closed by the sweep; a recently used one is not", async () => {
    const pool = new StdioPool({ cwd: os.tmpdir(), clientVersion: "0.0.0", idleMs: 60_000 });
    const pid = await pool.use({
      serverId: "idle",
      config: { ...EVERYTHING, env: {} },
      timeoutMs: 10_000,
      work: async ({ transport }) => transport.pid,
    });
    expect(await pool.sweep()).toEqual([]);
    expect(await pool.sweep(Date.now() + 60_000)).toEqual(["idle"]);
    expect(pool.running()).toEqual([]);
    expect(await eventually(() => !isAlive(pid ?? 0))).toBe(true);
    await pool.closeAll();
  });
});
