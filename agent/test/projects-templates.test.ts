/**
 * Every NAT template against the real NAT: the project is created by the
 * operation, installed into the test venv (tests/support/nat-venv.ts), then
 * `nat validate` must accept its config and its own pytest suite must pass.
 * The mcp_server template is also served with `nat mcp serve`. The first run
 * builds the venv, which takes minutes.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureNatVenv, type NatVenv } from "../../tests/support/nat-venv.ts";
import { freePort } from "../../tests/support/stack.ts";
import { startGroup } from "../src/start/processes.ts";
import { projects } from "./projects-helpers.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

const NAT_ENV = { ...process.env, NAT_TELEMETRY_ENABLED: "false", PYTHONUNBUFFERED: "1" };

interface Run {
  code: number;
  output: string;
}

function run(command: string, args: string[], cwd: string, timeoutMs = 180_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: NAT_ENV, timeout: timeoutMs, maxBuffer: 8 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : -1;
        resolve({ code, output: `${stdout}\n${stderr}`.slice(-4000) });
      },
    );
  });
}

let venv: NatVenv;
let context: TestContext;
/** Packages this file installed into the shared venv, uninstalled at the end. */
const installed: string[] = [];
/** Unique per run: template packages register NAT types named after the project. */
const suffix = Math.random().toString(36).slice(2, 8);

beforeAll(async () => {
  venv = await ensureNatVenv();
  context = createTestContext({ ATT_NAT_COMMAND: venv.nat });
}, 30 * 60_000);

afterAll(async () => {
  if (installed.length > 0) await run(venv.pip, ["uninstall", "-y", "-q", ...installed], os.tmpdir());
  context?.dispose();
});

async function createAndInstall(
  template: "chatbot" | "tool_calling_agent" | "rag" | "mcp_server" | "nat_workflow_create",
) {
  const name = `att_${template}_${suffix}`;
  const { project } = await projects.create(context, { name, template, description: `ATT test of ${template}` });
  const install = await run(
    venv.pip,
    ["install", "-q", "--no-deps", "--no-build-isolation", "-e", project.path],
    project.path,
  );
  expect(install.code, install.output).toBe(0);
  installed.push(name);
  return project;
}

async function validate(projectPath: string): Promise<void> {
  const result = await run(venv.nat, ["validate", "--config_file", "configs/config.yml"], projectPath);
  expect(result.code, result.output).toBe(0);
  expect(result.output).toContain("Configuration file is valid");
}

describe("NAT templates with the real NAT", () => {
  it("projects.templates offers nat_workflow_create when nat runs", async () => {
    const { templates } = await projects.templates(context);
    expect(templates.find((t) => t.id === "nat_workflow_create")?.available).toBe(true);
  }, 120_000);

  for (const template of ["chatbot", "tool_calling_agent", "rag", "mcp_server"] as const) {
    it(`${template}: nat validate accepts it and its pytest suite passes`, async () => {
      const project = await createAndInstall(template);
      await validate(project.path);
      const tests = await run(venv.python, ["-m", "pytest", "-q", "-p", "no:cacheprovider"], project.path);
      expect(tests.code, tests.output).toBe(0);
      expect(tests.output).toMatch(/\d+ passed/);
    }, 300_000);
  }

  it("mcp_server: `nat mcp serve` publishes the project's functions as MCP tools", async () => {
    const name = `att_mcp_server_${suffix}`;
    const project = (await context.catalog.list()).find((p) => p.name === name);
    expect(project).toBeDefined();
    const port = await freePort();
    const logDir = mkdtempSync(path.join(os.tmpdir(), "att-mcp-log-"));
    const server = startGroup({
      command: venv.nat,
      args: ["mcp", "serve", "--config_file", "configs/config.yml", "--host", "127.0.0.1", "--port", String(port)],
      env: NAT_ENV,
      cwd: project?.path ?? "",
      logFile: path.join(logDir, "nat.log"),
    });
    try {
      const deadline = Date.now() + 90_000;
      let tools: { tools?: { name: string }[] } | undefined;
      while (tools === undefined && Date.now() < deadline) {
        const response = await fetch(`http://127.0.0.1:${port}/debug/tools/list`).catch(() => undefined);
        if (response?.ok) tools = (await response.json()) as { tools?: { name: string }[] };
        else await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const names = (tools?.tools ?? []).map((t) => t.name);
      expect(names).toEqual(expect.arrayContaining(["text_stats", "current_datetime", `${name}_slugify`]));
    } finally {
      await server.stop();
      rmSync(logDir, { recursive: true, force: true });
    }
  }, 180_000);

  it("nat_workflow_create: `nat workflow create` scaffolds a project that nat validate accepts", async () => {
    const project = await createAndInstall("nat_workflow_create");
    expect(project.natConfigPath).toBe("configs/config.yml");
    await validate(project.path);
  }, 300_000);
});
