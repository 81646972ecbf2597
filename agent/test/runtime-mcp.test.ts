/**
 * The second kind of managed runtime: the mcp_server template served by the
 * real `nat mcp serve`. The project is installed (editable, no deps) into the
 * shared test venv so NAT finds its functions, and uninstalled afterwards.
 * Deleting the project ends the test, which must stop its app first.
 */
import { execFile } from "node:child_process";
import os from "node:os";
import type { Project } from "@att/shared";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { NatVenv } from "../../tests/support/nat-venv.ts";
import { callOperation } from "./support/call.ts";
import type { TestContext } from "./support/context.ts";
import { natTestContext } from "./support/nat.ts";

let venv: NatVenv;
let context: TestContext;
let project: Project;
let installed = false;
/** Unique per run: the package registers NAT types named after the project. */
const name = `rt_mcp_${Math.random().toString(36).slice(2, 8)}`;

function pip(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(venv.pip, args, { cwd, timeout: 300_000, maxBuffer: 8 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
      resolve({ code, output: `${stdout}\n${stderr}`.slice(-4000) });
    });
  });
}

beforeAll(async () => {
  ({ venv, context } = await natTestContext());
  project = (await callOperation(context, "projects.create", { name, template: "mcp_server" })).project;
  const install = await pip(["install", "-q", "--no-deps", "--no-build-isolation", "-e", project.path], project.path);
  expect(install.code, install.output).toBe(0);
  installed = true;
}, 30 * 60_000);

afterAll(async () => {
  await context?.dispose();
  if (installed) {
    const removed = await pip(["uninstall", "-y", "-q", name], os.tmpdir());
    expect(removed.code, removed.output).toBe(0);
  }
}, 300_000);

it("runs the mcp_server template with `nat mcp serve`: running, /health 200, the MCP endpoint logged", async () => {
  const { status } = await callOperation(context, "runtime.start", { projectId: project.id, kind: "mcp" });
  expect(status).toMatchObject({ kind: "mcp", state: "running" });
  const health = await fetch(`${status.url}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: "healthy", server_name: expect.any(String) });
  const { lines } = await callOperation(context, "runtime.logs", { projectId: project.id, pattern: "MCP server URL" });
  expect(lines[0]?.text).toContain(`http://127.0.0.1:${status.port}/mcp`);
  // Deleting the project stops its app first (the catalog's stopApp seam).
  const pid = status.pid ?? 0;
  await callOperation(context, "projects.delete", { projectId: project.id });
  expect(() => process.kill(-pid, 0)).toThrow();
  const last = context.outbox
    .after(0, 100_000)
    .map((e) => e.event)
    .filter((e) => e.type === "runtime.status")
    .at(-1);
  expect(last?.payload).toMatchObject({ state: "stopped", reason: "project deleted", kind: "mcp" });
}, 240_000);
