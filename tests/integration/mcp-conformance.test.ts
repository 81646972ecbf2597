/**
 * The official MCP conformance suite against the real Worker under wrangler
 * dev: the default suite against the test-only fixture endpoint, and the
 * generic scenarios against ATT's own /mcp. See tests/conformance/README.md.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ControlPlane, startControlPlane, waitForHealth } from "../../agent/src/start/control-plane.ts";
import { type AuthProxy, startAuthProxy } from "../conformance/auth-proxy.ts";
import { freePort, repoRoot } from "../support/stack.ts";

const CLI = path.join(repoRoot, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
const BASELINE = path.join(repoRoot, "tests", "conformance", "expected-failures.yml");
const GENERIC_SCENARIOS = [
  "server-initialize",
  "ping",
  "tools-list",
  "logging-set-level",
  "server-sse-multiple-streams",
  "dns-rebinding-protection",
];

interface Run {
  code: number;
  output: string;
}

function conformance(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, "server", ...args, "--expected-failures", BASELINE],
      { timeout: 240_000, maxBuffer: 16 * 1024 * 1024, killSignal: "SIGKILL" },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

/** The CLI's own totals line, e.g. `Total: 40 passed, 0 failed`. */
function totals(output: string): { passed: number; failed: number } {
  const match = /Total: (\d+) passed, (\d+) failed/.exec(output);
  if (match === null) throw new Error(`no totals in the conformance output:\n${output.slice(-2000)}`);
  return { passed: Number(match[1]), failed: Number(match[2]) };
}

const tail = (output: string) => output.slice(-3000);

/** A JSON-RPC ping without a session: 400 from the MCP transport once past the Host check. */
function postWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: "POST",
        headers: { host, "content-type": "application/json", accept: "application/json, text/event-stream" },
      },
      (response) => {
        let body = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => {
          body += chunk;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on("error", reject);
    request.end(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }));
  });
}

let dir = "";
let controlPlane: ControlPlane | null = null;
let proxy: AuthProxy | null = null;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "att-mcp-conformance-"));
  const port = await freePort();
  const userToken = `user-${crypto.randomUUID()}`;
  controlPlane = startControlPlane({
    repoRoot,
    port,
    userToken,
    agentToken: `agent-${crypto.randomUUID()}`,
    persistTo: path.join(dir, "state"),
    runDir: path.join(dir, "run"),
    extraVars: { ATT_MCP_CONFORMANCE: "1" },
  });
  await waitForHealth({
    url: controlPlane.url,
    ready: () => true,
    timeoutMs: 60_000,
    exited: controlPlane.process.exited,
  });
  proxy = await startAuthProxy({ target: controlPlane.url, token: userToken });
}, 120_000);

afterAll(async () => {
  await proxy?.close();
  await controlPlane?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("MCP conformance suite", () => {
  it("passes the default suite against the fixture endpoint", { timeout: 300_000 }, async () => {
    const run = await conformance(["--url", `${proxy?.url}/mcp/conformance`]);
    expect(run.code, tail(run.output)).toBe(0);
    const { passed, failed } = totals(run.output);
    expect(failed, tail(run.output)).toBe(0);
    expect(passed).toBeGreaterThanOrEqual(40);
  });

  it.each(GENERIC_SCENARIOS)("passes %s against the real /mcp", { timeout: 120_000 }, async (scenario) => {
    const run = await conformance(["--url", `${proxy?.url}/mcp`, "--scenario", scenario]);
    expect(run.code, tail(run.output)).toBe(0);
    expect(run.output).toMatch(/Passed: (\d+)\/\1, 0 failed, 0 warnings/);
  });

  it("the proxy forwards Host unchanged, so a forged Host reaches the Worker and is refused", async () => {
    // node:http, because fetch does not let a caller set Host.
    const forged = await postWithHost(`${proxy?.url}/mcp`, "evil.example.com");
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body)).toMatchObject({ code: "forbidden" });
    const local = await postWithHost(`${proxy?.url}/mcp`, new URL(proxy?.url ?? "").host);
    expect(local.status).toBe(400);
  });
});
