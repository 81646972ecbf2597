/**
 * Fuzzing the control plane (fast-check) against one real stack: bad REST
 * bodies, path params and query strings for every operation in the served
 * OpenAPI document, random MCP JSON-RPC, and random WebSocket frames on the
 * event stream and the agent link. Bad input must get a clear refusal (no
 * 5xx, problem+json or a JSON-RPC error, defined close codes) and lose
 * nothing: afterwards the stack answers and the project is as it was.
 *
 * Safety: the fuzzer never runs commands, reaches the network, deploys,
 * deletes or creates. DELETE operations are not fuzzed; operations that run
 * commands, clone, deploy, start apps, push or create projects and workflows
 * only receive bodies their schema refuses (tests/support/fuzz/rest.ts,
 * tests/support/fuzz/tool-policy.ts), account routes (users, tokens,
 * pairings, sign-in) only bodies that are not objects; other writes name ids
 * that do not exist, so they are refused before any work. A POST/PUT route or
 * MCP tool with no policy fails the suite until it gets one.
 *
 * The seed is printed; replay a failure with ATT_FUZZ_SEED=<seed>.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import type { HealthResponse, Project, StoredEvent } from "@att/shared";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRefusedCleanly, RawClient } from "../support/fuzz/http.ts";
import {
  expectMcpHandled,
  type ListedTool,
  listTools,
  mcpCase,
  messagesOf,
  openSession,
  postRpc,
} from "../support/fuzz/mcp.ts";
import {
  bodyCase,
  bodyRequest,
  type Operation,
  operationsOf,
  queryCase,
  queryRequest,
  unclassified,
} from "../support/fuzz/rest.ts";
import { configureSeed, fuzzPhase, type PhaseResult, Reloads } from "../support/fuzz/run.ts";
import { exchange, frameSpec, outcomeDefect } from "../support/fuzz/sockets.ts";
import { TOOL_POLICY } from "../support/fuzz/tool-policy.ts";
import { Stack } from "../support/stack.ts";

/** Requests in flight at once over HTTP: about what two cores shared with wrangler dev and the agent keep busy. */
const CONCURRENCY = 12;
/** Cases per phase: 10,000 in all (a socket case is one connection with up to 6 frames). */
const CASES = { bodies: 3500, queries: 3500, mcp: 2200, subscriber: 400, agent: 400 } as const;
const README = "# fuzz home\n\nThis file must survive the fuzzing unchanged.\n";
const BASELINE_EVENTS = 20;

const seed = configureSeed();
let stack: Stack;
let client: RawClient;
let project: Project;
let operations: Operation[];
let baseline: StoredEvent[];
let reloads: Reloads;
const results: PhaseResult[] = [];

function git(cwd: string, ...args: string[]): void {
  execFileSync("git", ["-c", "user.name=fuzz", "-c", "user.email=fuzz@example.invalid", ...args], { cwd });
}

beforeAll(async () => {
  stack = await Stack.start();
  stack.addProjectDir("fuzz_home");
  const dir = path.join(stack.projectsDir, "fuzz_home");
  writeFileSync(path.join(dir, "README.md"), README);
  git(dir, "init", "-q", "-b", "main");
  git(dir, "add", ".");
  git(dir, "commit", "-q", "-m", "the file the fuzz must not lose");
  await stack.startLinkedAgent();
  project = await stack.projectNamed("fuzz_home");
  await stack.json(`/api/v1/projects/${project.id}/diagnostics/events`, {
    method: "POST",
    body: JSON.stringify({ count: BASELINE_EVENTS }),
  });
  baseline = await stack.eventsOfType(project.id, "diagnostic", BASELINE_EVENTS);
  operations = operationsOf(await stack.json("/api/v1/openapi.json"));
  client = new RawClient(stack.port, CONCURRENCY);
  reloads = new Reloads(stack.dir);
}, 180_000);

afterAll(async () => {
  client?.close();
  await stack?.dispose();
});

describe(`fuzzing the control plane (seed ${seed})`, () => {
  it("REST bodies: every POST/PUT operation, random JSON, wrong types, huge, deep, non-JSON, wrong content types", async () => {
    expect(unclassified(operations)).toEqual([]);
    const writes = operations.filter((op) => op.method !== "get");
    expect(writes.length).toBeGreaterThan(30);
    reloads.recover = () => stack.waitForAgent();
    results.push(
      await fuzzPhase({
        name: "REST bodies",
        reloads,
        arbitrary: bodyCase(writes),
        cases: CASES.bodies,
        concurrency: CONCURRENCY,
        check: async (c) => {
          await expectRefusedCleanly(client, bodyRequest(c, stack.userToken));
        },
      }),
    );
  }, 600_000);

  it("path params and query strings: every GET operation, junk, unicode, traversal, NUL, broken escapes", async () => {
    const reads = operations.filter((op) => op.method === "get");
    expect(reads.length).toBeGreaterThan(30);
    reloads.recover = () => stack.waitForAgent();
    results.push(
      await fuzzPhase({
        name: "GET params",
        reloads,
        arbitrary: queryCase(reads, project.id),
        cases: CASES.queries,
        concurrency: CONCURRENCY,
        check: async (c) => {
          await expectRefusedCleanly(client, queryRequest(c, stack.userToken));
        },
      }),
    );
  }, 600_000);

  it("MCP: random JSON-RPC requests, batches, tools/call with random arguments to every tool, broken transport", async () => {
    const target = { client, token: stack.userToken, sessionId: await openSession(client, stack.userToken) };
    const tools: ListedTool[] = await listTools(target);
    // A reload of the Worker ends every session: open a new one (a session lost without a reload fails the case).
    reloads.recover = async () => {
      await stack.waitForAgent();
      target.sessionId = await openSession(client, stack.userToken);
    };
    expect(tools.filter((tool) => TOOL_POLICY[tool.name] === undefined).map((tool) => tool.name)).toEqual([]);
    results.push(
      await fuzzPhase({
        name: "MCP",
        reloads,
        arbitrary: mcpCase(tools, project.id),
        cases: CASES.mcp,
        concurrency: CONCURRENCY,
        check: (c) => expectMcpHandled(c, target),
      }),
    );
    // The session outlived the fuzzing.
    expect((await listTools(target)).length).toBe(tools.length);
  }, 600_000);

  it("MCP: a request id reused while the first is in flight is refused (409), never cross-wired or left hanging", async () => {
    // Found by the fuzzer: the SDK's transport routes answers by id alone (typescript-sdk #2433); see worker/src/mcp/in-flight.ts.
    const target = { client, token: stack.userToken, sessionId: await openSession(client, stack.userToken) };
    const search = { name: "att.code.search", arguments: { projectId: project.id, query: "fuzz" } };
    let refused = 0;
    for (let i = 0; i < 10; i += 1) {
      const answers = await Promise.all([
        postRpc(target, { jsonrpc: "2.0", id: 7, method: "tools/call", params: search }),
        postRpc(target, { jsonrpc: "2.0", id: 7, method: "tools/list" }),
      ]);
      for (const [index, answer] of answers.entries()) {
        const [message] = messagesOf(answer);
        if (answer.status === 409) {
          refused += 1;
          expect(message).toMatchObject({ jsonrpc: "2.0", id: 7, error: { code: -32600 } });
        } else {
          // Each request gets its own answer: the call its content, the listing its tools.
          expect(message).toHaveProperty(index === 0 ? "result.content" : "result.tools");
        }
      }
    }
    expect(refused).toBeGreaterThan(0);
  }, 120_000);

  it("a file name longer than any file system allows is a 400, not the kernel's ENAMETOOLONG as a 500", async () => {
    // Found by schemathesis and the GET fuzz; the agent's jail refuses it now (agent/src/operations/jail.ts).
    const long = "a".repeat(256);
    for (const pathname of [`files/${long}`, `files?path=${long}`, `git/log?path=src/${long}`]) {
      const answer = await expectRefusedCleanly(client, {
        method: "GET",
        path: `/api/v1/projects/${project.id}/${pathname}`,
        headers: { authorization: `Bearer ${stack.userToken}` },
      });
      expect(answer.status).toBe(400);
    }
  });

  it("event stream socket: random text, binary and oversized frames", async () => {
    const url = `ws://127.0.0.1:${stack.port}/api/v1/projects/${project.id}/ws?tail=0`;
    reloads.recover = () => stack.waitForAgent();
    results.push(
      await fuzzPhase({
        name: "event stream socket",
        reloads,
        arbitrary: fc.array(frameSpec, { minLength: 1, maxLength: 6 }),
        cases: CASES.subscriber,
        concurrency: 8,
        check: async (frames) => {
          const outcome = await exchange({ url, token: stack.userToken, frames, waitForReady: true });
          const defect = outcomeDefect(outcome);
          if (defect !== null) throw new Error(`${defect}\n  frames: ${fc.stringify(frames).slice(0, 1000)}`);
        },
      }),
    );
  }, 600_000);

  it("agent socket: random and malformed protocol frames (the real agent steps aside meanwhile)", async () => {
    // A second agent connection replaces the first, and a replaced agent stops: fuzz with the agent away, then start it again.
    await stack.stopAgents();
    const url = `ws://127.0.0.1:${stack.port}/api/v1/agent/ws`;
    reloads.recover = async () => {};
    try {
      results.push(
        await fuzzPhase({
          name: "agent socket",
          reloads,
          arbitrary: fc.array(frameSpec, { minLength: 1, maxLength: 6 }),
          cases: CASES.agent,
          // One at a time: each agent connection replaces the one before.
          concurrency: 1,
          check: async (frames) => {
            const outcome = await exchange({ url, token: stack.agentToken, frames, waitForReady: false });
            const defect = outcomeDefect(outcome);
            if (defect !== null) throw new Error(`${defect}\n  frames: ${fc.stringify(frames).slice(0, 1000)}`);
          },
        }),
      );
    } finally {
      await stack.startLinkedAgent();
    }
  }, 600_000);

  it("afterwards: control plane and agent up, a normal request works, no project data lost", async () => {
    await stack.waitForAgent();
    const health = await stack.json<HealthResponse>("/api/v1/health");
    expect(health.status).toBe("ok");
    expect(health.agent.connected).toBe(true);

    const { projects } = await stack.json<{ projects: Project[] }>("/api/v1/projects");
    expect(projects.find((p) => p.id === project.id)).toMatchObject({ name: "fuzz_home", path: project.path });
    const file = await stack.json<{ content: string }>(`/api/v1/projects/${project.id}/files/README.md`);
    expect(file.content).toBe(README);
    const { events } = await stack.json<{ events: StoredEvent[] }>(
      `/api/v1/projects/${project.id}/events?type=diagnostic&limit=1000`,
    );
    expect(events.slice(0, BASELINE_EVENTS)).toEqual(baseline.slice(0, BASELINE_EVENTS));

    const ping = await stack.json<{ payload: string }>("/api/v1/agent/ping", {
      method: "POST",
      body: JSON.stringify({ payload: "still here" }),
    });
    expect(ping.payload).toBe("still here");
    const session = await openSession(client, stack.userToken);
    expect((await listTools({ client, token: stack.userToken, sessionId: session })).length).toBeGreaterThan(40);

    const total = results.reduce((sum, r) => sum + r.cases, 0);
    const phases = results.map((r) => `${r.name} ${r.cases} in ${(r.ms / 1000).toFixed(1)} s`).join(", ");
    console.log(`fuzz seed ${seed}: ${total} cases (${phases}); ${reloads.retried} retried after a Worker reload`);
    expect(results).toHaveLength(5);
    expect(total).toBeGreaterThanOrEqual(10_000);
  }, 120_000);
});
