/**
 * NAT runtime benchmarks on the real stack, side by side in one run:
 *  1. start to healthy: `runtime.start` through REST (validate, launch, wait
 *     for /health) beside bare `nat serve` started here and polled to its
 *     first 200 on /health, for the offline chatbot template;
 *  2. log throughput: a managed process printing LINES lines as fast as it
 *     can, to one live event subscriber (lines/s, loss must be 0), beside the
 *     same process read directly by this script.
 * Not a test: it asserts nothing about speed.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { RuntimeStatus } from "@att/shared";
import WebSocket from "ws";
import { ensureNatVenv } from "../support/nat-venv.ts";
import { freePort, type Stack } from "../support/stack.ts";

const STARTS = Number(process.env.ATT_BENCH_STARTS ?? 3);
const LINES = Number(process.env.ATT_BENCH_LINES ?? 100_000);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

async function post<T>(stack: Stack, pathname: string, body: unknown): Promise<T> {
  return stack.json<T>(pathname, { method: "POST", body: JSON.stringify(body) });
}

async function waitForHealth(url: string): Promise<void> {
  for (;;) {
    try {
      if ((await fetch(`${url}/health`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Bare `nat serve` started by hand, timed to its first 200 on /health. */
async function bareStart(nat: string, root: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(
    nat,
    ["serve", "--config_file", "configs/config.yml", "--host", "127.0.0.1", "--port", `${port}`],
    {
      cwd: root,
      detached: true,
      stdio: "ignore",
      env: { ...process.env, NAT_TELEMETRY_ENABLED: "false", PYTHONUNBUFFERED: "1" },
    },
  );
  await waitForHealth(`http://127.0.0.1:${port}`);
  const elapsed = performance.now() - started;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
  await exited;
  return elapsed;
}

async function benchStart(stack: Stack, nat: string): Promise<void> {
  const { project } = await post<{ project: { id: string; path: string } }>(stack, "/api/v1/projects", {
    name: "bench_chatbot",
    template: "chatbot",
  });
  const bare: number[] = [];
  const att: number[] = [];
  for (let i = 0; i < STARTS; i += 1) {
    bare.push(await bareStart(nat, project.path));
    const started = performance.now();
    await post(stack, `/api/v1/projects/${project.id}/runtime/start`, {});
    att.push(performance.now() - started);
    await post(stack, `/api/v1/projects/${project.id}/runtime/stop`, {});
  }
  console.log(`\nStart to healthy, offline chatbot template, ${STARTS} starts each (median ms)`);
  console.log(`  bare nat serve → first 200 on /health         ${median(bare).toFixed(0).padStart(7)}`);
  console.log(`  runtime.start via REST (validate + launch)     ${median(att).toFixed(0).padStart(7)}`);
  console.log(
    `  ATT overhead                                   ${(median(att) - median(bare)).toFixed(0).padStart(7)}`,
  );
  console.log(
    `  all bare: ${bare.map((v) => v.toFixed(0)).join(", ")}; all ATT: ${att.map((v) => v.toFixed(0)).join(", ")}`,
  );
}

/**
 * A stand-in `nat` for the log benchmark, placed in the project's `.venv/bin`
 * (where the agent looks first): `validate` succeeds, `serve` answers /health
 * and prints LINES numbered lines as fast as stdout takes them. It measures
 * ATT's log pipeline, not NAT.
 */
const PRINTER = `#!/usr/bin/env node
const http = require("node:http");
const args = process.argv.slice(2);
if (args[0] === "validate") process.exit(0);
const port = Number(args[args.indexOf("--port") + 1]);
const lines = Number(process.env.BENCH_LINES);
http.createServer((req, res) => res.end('{"status":"healthy"}')).listen(port, "127.0.0.1", () => {
  let i = 0;
  const write = () => {
    while (i < lines) {
      i += 1;
      if (!process.stdout.write("bench line " + i + "\\n")) return process.stdout.once("drain", write);
    }
  };
  setTimeout(write, 200);
});
`;

/** The printer read directly by this script: the ceiling for any log pipeline here. */
async function directRead(printer: string): Promise<number> {
  const port = await freePort();
  const started = performance.now();
  const child = spawn(printer, ["serve", "--port", `${port}`], {
    detached: true,
    env: { ...process.env, BENCH_LINES: String(LINES) },
  });
  let seen = 0;
  let firstAt = 0;
  await new Promise<void>((resolve) => {
    child.stdout.on("data", (chunk: Buffer) => {
      if (firstAt === 0) firstAt = performance.now();
      for (const byte of chunk) if (byte === 10) seen += 1;
      if (seen >= LINES) resolve();
    });
  });
  const seconds = (performance.now() - (firstAt || started)) / 1000;
  if (child.pid !== undefined) process.kill(-child.pid, "SIGTERM");
  return LINES / seconds;
}

interface LogEvent {
  type: string;
  payload: { lines?: Array<{ cursor: number; text: string }> };
}

async function benchLogs(stack: Stack): Promise<void> {
  const { project } = await post<{ project: { id: string; path: string } }>(stack, "/api/v1/projects", {
    name: "bench_logs",
    template: "empty",
  });
  const bin = path.join(project.path, ".venv", "bin");
  mkdirSync(bin, { recursive: true });
  const printer = path.join(bin, "nat");
  writeFileSync(printer, PRINTER);
  chmodSync(printer, 0o755);
  writeFileSync(path.join(project.path, "config.yml"), "workflow: {_type: bench}\n");
  const direct = await directRead(printer);

  const ws = new WebSocket(`ws://127.0.0.1:${stack.port}/api/v1/projects/${project.id}/ws`, {
    headers: { authorization: `Bearer ${stack.userToken}` },
  });
  const numbers: number[] = [];
  let firstAt = 0;
  let lastAt = 0;
  const done = new Promise<void>((resolve) => {
    ws.on("message", (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; event?: LogEvent };
      if (frame.type !== "event" || frame.event?.type !== "runtime.log") return;
      for (const line of frame.event.payload.lines ?? []) {
        const match = /^bench line (\d+)$/.exec(line.text);
        if (match === null) continue;
        if (firstAt === 0) firstAt = performance.now();
        numbers.push(Number(match[1]));
      }
      lastAt = performance.now();
      if (numbers.length >= LINES) resolve();
    });
  });
  await new Promise((resolve) => ws.once("open", resolve));
  await post(stack, `/api/v1/projects/${project.id}/runtime/start`, {
    configPath: "config.yml",
    env: { BENCH_LINES: String(LINES) },
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, 300_000)))]);
  clearTimeout(timer);
  ws.close();
  const status = await stack.json<{ status: RuntimeStatus }>(`/api/v1/projects/${project.id}/runtime/status`);
  await post(stack, `/api/v1/projects/${project.id}/runtime/stop`, {});
  const lossFree = numbers.length === LINES && numbers.every((n, i) => n === i + 1);
  const seconds = (lastAt - firstAt) / 1000;
  console.log(`\nLog throughput, ${LINES} lines printed as fast as possible, one live subscriber`);
  console.log(`  read directly by this script (ceiling)         ${direct.toFixed(0).padStart(9)} lines/s`);
  console.log(
    `  agent → SQLite + events → Worker → subscriber  ${(numbers.length / seconds).toFixed(0).padStart(9)} lines/s; received ${numbers.length}/${LINES}, in order without gaps: ${lossFree ? "yes" : "NO"}; app still ${status.status.state}`,
  );
  if (!lossFree) process.exitCode = 1;
}

export async function benchRuntime(stack: Stack): Promise<void> {
  const venv = await ensureNatVenv(); // already built by main; this only reads its paths
  await benchStart(stack, venv.nat);
  await benchLogs(stack);
}
