/**
 * `npm run bench`: figures for the agent link on the real stack (wrangler dev
 * + a real agent process), printed side by side in one run:
 *  1. round trip client → Worker → Durable Object → agent → back, against the
 *     same request answered by the Durable Object alone, at 1, 10 and 50
 *     concurrent clients (p50, p99, requests/s);
 *  2. events/s from the agent to 10 subscribers, checking zero loss.
 *  3. code search and MCP file reads (./code.ts);
 *  4. NAT app start to healthy and log throughput (./runtime.ts);
 *  5. web UI JavaScript size and time to an interactive dashboard (./web.ts);
 *  6. the self-bootstrap cycle on a copy of ATT, split by step, with the
 *     requests that failed during its restart (./self.ts).
 * `ATT_BENCH_ONLY=link`, `=code`, `=runtime`, `=web` or `=self` runs one part. Not a test: it asserts
 * nothing about speed.
 */

import { ensureNatVenv } from "../support/nat-venv.ts";
import { Stack, type Subscriber } from "../support/stack.ts";
import { benchCode } from "./code.ts";
import { benchRuntime } from "./runtime.ts";
import { benchSelf } from "./self.ts";
import { benchWeb } from "./web.ts";

const ONLY = process.env.ATT_BENCH_ONLY;

const DURATION_MS = Number(process.env.ATT_BENCH_MS ?? 3000);
const CONCURRENCY = [1, 10, 50];
const EVENTS = Number(process.env.ATT_BENCH_EVENTS ?? 5000);
const SUBSCRIBERS = 10;

type Target = "agent" | "control-plane";

interface Row {
  target: Target;
  clients: number;
  requests: number;
  p50: number;
  p99: number;
  rps: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

async function measure(stack: Stack, target: Target, clients: number): Promise<Row> {
  const latencies: number[] = [];
  const body = JSON.stringify({ target });
  const end = performance.now() + DURATION_MS;
  const client = async () => {
    while (performance.now() < end) {
      const started = performance.now();
      const response = await stack.api("/api/v1/agent/ping", { method: "POST", body });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`ping failed: ${response.status}`);
      latencies.push(performance.now() - started);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  const elapsed = performance.now() - started;
  latencies.sort((a, b) => a - b);
  return {
    target,
    clients,
    requests: latencies.length,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    rps: (latencies.length / elapsed) * 1000,
  };
}

async function fanOut(
  stack: Stack,
  projectId: string,
): Promise<{ seconds: number; perSecond: number; lossFree: boolean }> {
  const subscribers: Subscriber[] = Array.from({ length: SUBSCRIBERS }, () => stack.subscribe(projectId));
  await Promise.all(subscribers.map((s) => s.ready));
  const started = performance.now();
  await stack.json(`/api/v1/projects/${projectId}/diagnostics/events`, {
    method: "POST",
    body: JSON.stringify({ count: EVENTS }),
  });
  await Promise.all(subscribers.map((s) => s.waitFor(EVENTS, 300_000)));
  const seconds = (performance.now() - started) / 1000;
  const lossFree = subscribers.every((s) => s.events.length === EVENTS && s.events.every((e, i) => e.seq === i + 1));
  for (const s of subscribers) s.close();
  return { seconds, perSecond: EVENTS / seconds, lossFree };
}

const fmt = (n: number, digits = 1) => n.toFixed(digits).padStart(9);

async function main(): Promise<void> {
  if (ONLY === "self") {
    await benchSelf();
    console.log(`\nnode ${process.versions.node}, ${process.platform}/${process.arch}`);
    return;
  }
  const venv = ONLY === undefined || ONLY === "runtime" ? await ensureNatVenv() : null;
  const agentEnv: Record<string, string> =
    venv === null ? {} : { ATT_NAT_COMMAND: venv.nat, ATT_PYTHON_COMMAND: venv.python };
  const stack = await Stack.start({ agentEnv });
  try {
    stack.addProjectDir("bench");
    await stack.startLinkedAgent();
    if (ONLY === undefined || ONLY === "link") await benchLink(stack);
    if (ONLY === undefined || ONLY === "code") await benchCode(stack);
    if (ONLY === undefined || ONLY === "runtime") await benchRuntime(stack);
    if (ONLY === undefined || ONLY === "web") await benchWeb(stack);
    if (ONLY === undefined) await benchSelf();
    console.log(`\nnode ${process.versions.node}, ${process.platform}/${process.arch}`);
  } finally {
    await stack.dispose();
  }
}

async function benchLink(stack: Stack): Promise<void> {
  const project = await stack.projectNamed("bench");

  for (const target of ["control-plane", "agent"] as const) await measure(stack, target, 5); // warm-up
  console.log(`\nRound trip, ${DURATION_MS} ms per cell (POST /api/v1/agent/ping)`);
  console.log("clients | path                          | requests |  p50 ms  |  p99 ms  |  req/s");
  for (const clients of CONCURRENCY) {
    for (const target of ["control-plane", "agent"] as const) {
      const row = await measure(stack, target, clients);
      const label = target === "agent" ? "Worker → DO → agent → back" : "Worker → DO → back (baseline)";
      console.log(
        `${String(clients).padStart(7)} | ${label.padEnd(29)} | ${String(row.requests).padStart(8)} |${fmt(row.p50, 2)} |${fmt(row.p99, 2)} |${fmt(row.rps)}`,
      );
    }
  }

  const fan = await fanOut(stack, project.id);
  console.log(
    `\nEvents agent → ${SUBSCRIBERS} subscribers: ${EVENTS} events in ${fan.seconds.toFixed(2)} s = ${fan.perSecond.toFixed(0)} events/s per subscriber, ${(fan.perSecond * SUBSCRIBERS).toFixed(0)} deliveries/s; zero loss: ${fan.lossFree ? "yes" : "NO"}`,
  );
  if (!fan.lossFree) process.exitCode = 1;
}

await main();
