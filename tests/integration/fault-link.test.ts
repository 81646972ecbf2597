/**
 * The agent link under fire: a TCP proxy between the real agent and the real
 * control plane is cut 100 times at random (seeded) moments while a real
 * command prints 10,000 numbered lines and 1,000 tool calls run through REST.
 * A resuming subscriber must end with every line once and in order, every
 * call must end with its answer or a retryable problem (never a hang), no
 * side effect may happen twice, and the agent must end linked. First, an
 * agent upgrade that dies before its hello must not push the agent off.
 * Rerun a failing seed with ATT_FAULT_SEED=<seed>.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { type ErrorCode, Problem, RETRYABLE_BY_CODE } from "@att/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { CutProxy } from "../support/cut-proxy.ts";
import { lineCount, lineProducerCommand, linesOf, seeded } from "../support/line-producer.ts";
import { ResumingSubscriber, sequenceProblems } from "../support/resuming-subscriber.ts";
import { Stack } from "../support/stack.ts";

const CUTS = 100;
const LINES = 10_000;
const CALLS = 1000;
/** The lines and the calls are spread over about this long (calls take longer when the machine is slow). */
const SPREAD_MS = 60_000;
/** Cuts come at random gaps up to this, when the load has moved on enough (see cutRepeatedly). */
const MAX_CUT_GAP_MS = 500;
/** Tool calls in flight at once; terminal commands among them are capped lower (the agent runs at most 4). */
const CALL_WORKERS = 8;
const TERMINAL_WORKERS = 3;
/** Lines, calls and cuts must all be through by then (a stall fails with figures, not a test timeout). */
const LOAD_DEADLINE_MS = 210_000;
/** A call with no answer by then counts as a hang. */
const CALL_DEADLINE_MS = 90_000;

const SEED = Number(process.env.ATT_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let stack: Stack;
let agentProxy: CutProxy;
let subscriberProxy: CutProxy;
let projectId: string;
let projectDir: string;

beforeAll(async () => {
  // The proxy learns the control plane's port when the stack has one; nothing dials it before.
  agentProxy = await CutProxy.start(() => stack.port);
  subscriberProxy = await CutProxy.start(() => stack.port);
  stack = await Stack.start({
    agentTimeoutMs: 20_000,
    // A small window keeps events flowing under acknowledgement, so cuts land between sends and acks.
    eventWindow: 16,
    agentEnv: { ATT_SERVER: `http://127.0.0.1:${agentProxy.port}` },
  });
  await stack.startLinkedAgent();
  const created = await stack.json<{ project: { id: string; path: string } }>("/api/v1/projects", {
    method: "POST",
    body: JSON.stringify({ name: "fault_link", template: "empty" }),
  });
  projectId = created.project.id;
  projectDir = created.project.path;
}, 120_000);

afterAll(async () => {
  await agentProxy?.close();
  await subscriberProxy?.close();
  await stack?.dispose();
});

type CallKind = "append" | "write" | "ping" | "project" | "read";

interface CallOutcome {
  kind: CallKind;
  n: number;
  /** HTTP status, or "hang" when the deadline passed first. */
  status: number | "hang" | "network";
  code?: ErrorCode;
  /** What is wrong with the answer itself (not problem+json, wrong echo, ...). */
  defect?: string;
  ms?: number;
}

/** 1,000 calls in a seeded order: side effects (appends, writes) mixed with reads. */
function callPlan(random: () => number): Array<{ kind: CallKind; n: number }> {
  const counts: Record<CallKind, number> = { append: 300, write: 300, ping: 200, project: 100, read: 100 };
  const plan = Object.entries(counts).flatMap(([kind, count]) =>
    Array.from({ length: count }, (_, n) => ({ kind: kind as CallKind, n })),
  );
  for (let i = plan.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [plan[i], plan[j]] = [plan[j] as (typeof plan)[number], plan[i] as (typeof plan)[number]];
  }
  expect(plan).toHaveLength(CALLS);
  return plan;
}

function request(kind: CallKind, n: number): { path: string; init: RequestInit } {
  const base = `/api/v1/projects/${projectId}`;
  const post = (body: object): RequestInit => ({ method: "POST", body: JSON.stringify(body) });
  switch (kind) {
    case "append":
      return { path: `${base}/terminal/run`, init: post({ command: `echo append-${n} >> appended.log` }) };
    case "write":
      return {
        path: `${base}/files/writes/${n}.txt`,
        init: { method: "PUT", body: JSON.stringify({ content: `write ${n}\n` }) },
      };
    case "ping":
      return { path: "/api/v1/agent/ping", init: post({ payload: `ping-${n}` }) };
    case "project":
      return { path: base, init: {} };
    case "read":
      return { path: `${base}/files/fixed.txt`, init: {} };
  }
}

/** Checks what a successful answer says; returns a defect or undefined. */
function checkAnswer(kind: CallKind, n: number, body: unknown): string | undefined {
  const text = JSON.stringify(body);
  switch (kind) {
    case "append":
      return (body as { exitCode?: number }).exitCode === 0 ? undefined : `append ${n}: ${text}`;
    case "write":
      return (body as { path?: string }).path === `writes/${n}.txt` ? undefined : `write ${n}: ${text}`;
    case "ping":
      return (body as { payload?: string }).payload === `ping-${n}` ? undefined : `ping ${n}: ${text}`;
    case "project":
      return (body as { project?: { id?: string } }).project?.id === projectId ? undefined : `project: ${text}`;
    case "read":
      return (body as { content?: string }).content === "fixed\n" ? undefined : `read: ${text}`;
  }
}

async function runCall(kind: CallKind, n: number): Promise<CallOutcome> {
  const { path: pathname, init } = request(kind, n);
  let response: Response;
  try {
    response = await stack.api(pathname, { ...init, signal: AbortSignal.timeout(CALL_DEADLINE_MS) });
  } catch (error) {
    const status = (error as Error).name === "TimeoutError" ? "hang" : "network";
    return { kind, n, status, defect: `${kind} ${n}: ${(error as Error).message}` };
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) {
    const defect = checkAnswer(kind, n, body);
    return defect === undefined ? { kind, n, status: response.status } : { kind, n, status: response.status, defect };
  }
  const problem = Problem.safeParse(body);
  const contentType = response.headers.get("content-type") ?? "";
  if (!problem.success || !contentType.includes("application/problem+json")) {
    return { kind, n, status: response.status, defect: `${kind} ${n}: not problem+json: ${JSON.stringify(body)}` };
  }
  const code = problem.data.code;
  const defect = RETRYABLE_BY_CODE[code] ? undefined : `${kind} ${n}: non-retryable ${code}: ${problem.data.detail}`;
  return defect === undefined
    ? { kind, n, status: response.status, code }
    : { kind, n, status: response.status, code, defect };
}

/**
 * Runs the plan with bounded concurrency, call i not before i/CALLS of the
 * spread, so calls span the cuts. Terminal commands have their own lane: the
 * agent runs at most 4 (the producer holds one), and waiting for a slot must
 * not hold up the other calls.
 */
async function runCalls(
  plan: Array<{ kind: CallKind; n: number }>,
  startedAt: number,
  outcomes: CallOutcome[],
): Promise<CallOutcome[]> {
  const indexed = plan.map((call, index) => ({ ...call, due: startedAt + (index / CALLS) * SPREAD_MS }));
  const lane = async (calls: typeof indexed, workers: number) => {
    let next = 0;
    const worker = async () => {
      for (let call = calls[next++]; call !== undefined; call = calls[next++]) {
        if (call.due > Date.now()) await sleep(call.due - Date.now());
        const began = Date.now();
        outcomes.push({ ...(await runCall(call.kind, call.n)), ms: Date.now() - began });
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
  };
  await Promise.all([
    lane(
      indexed.filter((call) => call.kind === "append"),
      TERMINAL_WORKERS,
    ),
    lane(
      indexed.filter((call) => call.kind !== "append"),
      CALL_WORKERS - TERMINAL_WORKERS,
    ),
  ]);
  return outcomes;
}

interface Cutting {
  cuts: number;
  /** Cuts that waited for a fresh connection and hit it within 40 ms: the handshake and hello. */
  fresh: number;
  /** Cuts that were stalls: nothing flows but the sockets stay open, until the agent's heartbeat gives up. */
  stalls: number;
  subscriberCuts: number;
  /** Moments when no connection was open (the agent was between attempts). */
  idle: number;
}

/**
 * Breaks the agent's link CUTS times at random moments, spread over the load:
 * break k waits until `progress()` (0..1, how much of the lines and calls are
 * through) reaches k/CUTS, so a slow machine still gets its cuts mid-load.
 * Most are cuts at any moment, one in five hits a fresh connection, one in
 * twenty is a stall; about one in ten also drops the subscriber.
 */
async function cutRepeatedly(random: () => number, progress: () => number, deadline: number): Promise<Cutting> {
  const done: Cutting = { cuts: 0, fresh: 0, stalls: 0, subscriberCuts: 0, idle: 0 };
  while (done.cuts < CUTS) {
    await sleep(20 + random() * MAX_CUT_GAP_MS);
    if (Date.now() > deadline) {
      throw new Error(`the load stalled: ${done.cuts} cuts done, progress ${progress().toFixed(3)}`);
    }
    if (progress() < done.cuts / CUTS) continue;
    const stall = done.cuts % 20 === 19;
    const reset = random() < 0.5;
    if ((stall ? agentProxy.stall() : agentProxy.cut({ reset })) === 0) {
      done.idle += 1;
      if (done.idle > 10 * CUTS) throw new Error(`the agent stayed away: ${done.cuts} cuts, ${done.idle} idle moments`);
      continue;
    }
    done.cuts += 1;
    if (stall) done.stalls += 1;
    if (random() < 0.1 && subscriberProxy.cut({ reset }) > 0) done.subscriberCuts += 1;
    // Both branches register for the next connection before any await: the agent dials again within ~50 ms.
    if (stall) {
      // The agent notices a stall by its heartbeat (3 s in the stack) and dials again.
      if (!(await agentProxy.nextConnection(15_000))) throw new Error("the agent did not leave a stalled link");
    } else if (done.cuts < CUTS && random() < 0.2) {
      // Hit the new connection within 40 ms of its opening: the upgrade, the hello or its ack.
      if (!(await agentProxy.nextConnection(10_000))) throw new Error("the agent did not dial again");
      await sleep(random() * 40);
      if (agentProxy.cut({ reset: random() < 0.5 }) > 0) {
        done.cuts += 1;
        done.fresh += 1;
      }
    }
  }
  return done;
}

/** The agent's error-level log messages (its log is in the stack's directory): shown with the figures. */
async function agentErrors(): Promise<string[]> {
  const text = await readFile(path.join(stack.dir, "agent-1.log"), "utf8").catch(() => "");
  return text
    .split("\n")
    .filter((line) => line.includes('"level":"error"'))
    .map((line) => line.slice(0, 300));
}

function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

describe("the agent link cut 100 times under load", () => {
  it("an agent upgrade that dies before its hello (a dropped attempt delivered late) leaves the agent linked", async () => {
    const connectionsBefore = agentProxy.connections;
    const stale = new WebSocket(`ws://127.0.0.1:${stack.port}/api/v1/agent/ws`, {
      headers: { authorization: `Bearer ${stack.agentToken}` },
    });
    await new Promise((resolve, reject) => {
      stale.once("open", resolve);
      stale.once("error", reject);
    });
    stale.terminate();
    await sleep(1000); // had the upgrade replaced the link, the agent would have been told 4409 and stopped
    const pinged = await stack.json("/api/v1/agent/ping", {
      method: "POST",
      body: JSON.stringify({ payload: "after a stale upgrade" }),
    });
    expect(pinged).toMatchObject({ payload: "after a stale upgrade" });
    expect(agentProxy.connections).toBe(connectionsBefore); // the agent's own link was never dropped
  });

  it(`streams ${LINES} lines and answers ${CALLS} calls with nothing lost, doubled or hung (seed ${SEED})`, async () => {
    console.log(`fault-link seed: ${SEED} (rerun with ATT_FAULT_SEED=${SEED})`);
    const random = seeded(SEED);
    const startedAt = Date.now();
    await stack.json(`/api/v1/projects/${projectId}/files/fixed.txt`, {
      method: "PUT",
      body: JSON.stringify({ content: "fixed\n" }),
    });

    const subscriber = new ResumingSubscriber({
      origin: () => `ws://127.0.0.1:${subscriberProxy.port}`,
      projectId,
      token: stack.userToken,
    });
    await subscriber.start();

    const runId = crypto.randomUUID();
    const producer = stack.api(`/api/v1/projects/${projectId}/terminal/run`, {
      method: "POST",
      body: JSON.stringify({
        command: lineProducerCommand({ lines: LINES, durationMs: SPREAD_MS }),
        timeoutMs: 300_000,
        runId,
      }),
      signal: AbortSignal.timeout(LOAD_DEADLINE_MS),
    });
    const plan = callPlan(random);
    const phases: Record<string, number> = {};
    const timed = <T>(name: string, work: Promise<T>) =>
      work.finally(() => {
        phases[name] = Date.now() - startedAt;
      });
    const outcomes: CallOutcome[] = [];
    const progress = () => Math.min(outcomes.length / CALLS, lineCount(subscriber.events, runId) / LINES);
    const [cutting, , produced] = await Promise.all([
      timed("cutsDoneMs", cutRepeatedly(random, progress, startedAt + LOAD_DEADLINE_MS)),
      timed("callsDoneMs", runCalls(plan, Date.now(), outcomes)),
      timed("producerDoneMs", producer),
    ]).catch(async (error: unknown) => {
      throw new Error(`${(error as Error).message}; the agent's errors: ${JSON.stringify(await agentErrors())}`);
    });

    const producedText = await produced.text();
    // The agent finds its way back by itself and the last events arrive.
    await stack.waitForAgent(true, 30_000);
    await subscriber.waitUntil(
      "the producer's exit",
      (events) => events.some((e) => e.type === "terminal.exit" && e.payload.runId === runId),
      60_000,
    );
    const writes = outcomes.filter((o) => o.kind === "write");
    const appends = outcomes.filter((o) => o.kind === "append");
    const answeredWrites = writes.filter((o) => o.status === 200).length;
    await subscriber.waitUntil(
      "a code.changed per answered write",
      (events) => events.filter((e) => e.type === "code.changed").length >= answeredWrites + 1, // + fixed.txt
      60_000,
    );
    await sleep(1000); // room for any duplicate to show up
    subscriber.close();
    const elapsedMs = Date.now() - startedAt;

    // What the subscriber saw: 1, 2, 3, ... with no id twice; the stored log says the same.
    const seen = subscriber.events;
    expect(subscriber.malformed).toEqual([]);
    expect(sequenceProblems(seen)).toEqual([]);
    const late = new ResumingSubscriber({
      origin: () => `ws://127.0.0.1:${stack.port}`,
      projectId,
      token: stack.userToken,
    });
    await late.start();
    late.close();
    expect(late.events.map((e) => e.id)).toEqual(seen.map((e) => e.id));

    // Every line once, in order.
    const lines = linesOf(seen, runId);
    const lineCounts = countBy(lines, (line) => line);
    const duplicateLines = Object.values(lineCounts).filter((n) => n > 1).length;
    const expected = Array.from({ length: LINES }, (_, i) => `line ${i + 1}`);
    const missingLines = expected.filter((line) => lineCounts[line] === undefined).length;

    // Side effects: an append that answered ran exactly once; none ran twice.
    const appended = (await readFile(path.join(projectDir, "appended.log"), "utf8")).split("\n").filter(Boolean);
    const appendCounts = countBy(appended, (line) => line);
    const doubledAppends = Object.entries(appendCounts).filter(([, n]) => n > 1);
    const lostAppends = appends.filter((o) => o.status === 200 && appendCounts[`append-${o.n}`] !== 1);
    // A write that answered left its file; one code.changed per write that ran, never two.
    const changed = countBy(
      seen.filter((e) => e.type === "code.changed"),
      (e) => String(e.payload.path),
    );
    const doubledWrites = Object.entries(changed).filter(([, n]) => n > 1);
    const written = new Set(await readdir(path.join(projectDir, "writes")).catch(() => []));
    const lostWrites = writes.filter(
      (o) => o.status === 200 && (!written.has(`${o.n}.txt`) || changed[`writes/${o.n}.txt`] !== 1),
    );

    const health = await stack.json<{ agent: { connected: boolean } }>("/api/v1/health");
    console.log(
      JSON.stringify({
        seed: SEED,
        producer: `${produced.status} ${producedText.slice(0, 200)}`,
        ...cutting,
        agentConnections: agentProxy.connections,
        subscriberConnects: subscriber.connects,
        lines: lines.length,
        duplicateLines,
        missingLines,
        events: seen.length,
        calls: outcomes.length,
        byStatus: countBy(outcomes, (o) => `${o.status}${o.code ? ` ${o.code}` : ""}`),
        doubledAppends: doubledAppends.length,
        doubledWrites: doubledWrites.length,
        meanMsByKind: Object.fromEntries(
          (["append", "write", "ping", "project", "read"] as const).map((kind) => {
            const of = outcomes.filter((o) => o.kind === kind);
            return [kind, Math.round(of.reduce((sum, o) => sum + (o.ms ?? 0), 0) / Math.max(1, of.length))];
          }),
        ),
        ...phases,
        elapsedMs,
        agentErrors: (await agentErrors()).slice(0, 5),
      }),
    );

    expect(cutting.cuts).toBe(CUTS);
    expect(produced.status, producedText).toBe(200);
    expect(JSON.parse(producedText)).toMatchObject({ exitCode: 0, runId });
    expect(missingLines).toBe(0);
    expect(duplicateLines).toBe(0);
    expect(lines).toEqual(expected);
    expect(outcomes).toHaveLength(CALLS);
    expect(outcomes.filter((o) => o.defect !== undefined).map((o) => o.defect)).toEqual([]);
    // A drop that heals within the control plane's reconnect grace costs no call: nearly all are answered.
    expect(outcomes.filter((o) => o.status === 200).length).toBeGreaterThanOrEqual(0.9 * CALLS);
    expect(doubledAppends).toEqual([]);
    expect(lostAppends).toEqual([]);
    expect(doubledWrites).toEqual([]);
    expect(lostWrites).toEqual([]);
    expect(health.agent.connected).toBe(true);
  }, 420_000);
});
