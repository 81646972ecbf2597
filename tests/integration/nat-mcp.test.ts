/**
 * Issue 4's "Done when", through MCP tools alone, on the real stack: wrangler
 * dev, the real agent, and a real `nat serve` from PyPI with NAT's offline test
 * LLM. Create the chatbot project, start it, chat with it (answer and
 * intermediate steps), read its logs, run its pytest suite, build and deploy a
 * release, then deploy a broken release and watch the automatic rollback.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../support/stack.ts";

const NAME = "chat_app";
const ANSWER = `Hello from ${NAME}! I am NAT's offline test LLM; see README.md to use a real model.`;
/** Long tools (NAT starts, test runs, deploys with a rollback) outlast the SDK's 60 s default. */
const LONG = { timeout: 600_000 };

let stack: Stack;
let client: Client;

beforeAll(async () => {
  stack = await Stack.startLinkedWithNat();
  client = new Client({ name: "att-nat-cycle", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${stack.userToken}` } },
    }),
  );
}, 900_000);

afterAll(async () => {
  await client?.close();
  await stack?.dispose();
});

async function call<T>(name: string, args: Record<string, unknown>): Promise<T> {
  const result = await client.callTool({ name, arguments: args }, undefined, LONG);
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}

async function readJson<T>(uri: string): Promise<T> {
  const { contents } = await client.readResource({ uri });
  const [content] = contents;
  return JSON.parse(content !== undefined && "text" in content ? content.text : "null") as T;
}

interface Status {
  state: string;
  url: string | null;
  pid: number | null;
  releaseId: string | null;
  uptimeMs: number | null;
  lastProbe: { ok: boolean } | null;
}
interface Release {
  id: string;
  version: number;
}
interface Deployment {
  outcome: string;
  reason: string | null;
  releaseId: string;
  restoredReleaseId: string | null;
}

async function healthOf(status: Status): Promise<number> {
  if (status.url === null) throw new Error("the app has no URL");
  return (await fetch(`${status.url}/health`)).status;
}

describe("run, chat, test, deploy and roll back a NAT app through MCP tools alone", () => {
  let projectId: string;

  it("creates the chatbot project and starts it until /health answers", async () => {
    const { project } = await call<{ project: { id: string; natConfigPath: string } }>("att.project.create", {
      name: NAME,
      template: "chatbot",
    });
    projectId = project.id;
    expect(project.natConfigPath).toBe("configs/config.yml");
    const { status } = await call<{ status: Status }>("att.runtime.start", { projectId });
    expect(status.state).toBe("running");
    const again = await call<{ status: Status }>("att.runtime.status", { projectId });
    expect(again.status).toMatchObject({ state: "running", pid: status.pid, url: status.url });
    expect(await healthOf(again.status)).toBe(200);
  });

  it("sends a chat message and gets the test LLM's answer with intermediate steps", async () => {
    const reply = await call<{ text: string; steps: Array<{ type: string }>; traceId: string }>("att.runtime.chat", {
      projectId,
      message: "Hi there",
    });
    expect(reply.text).toBe(ANSWER);
    expect(reply.steps.length).toBeGreaterThan(0);
    const { traces } = await call<{ traces: Array<{ id: string; output: string | null }> }>("att.debug.traces", {
      projectId,
      traceId: reply.traceId,
    });
    expect(traces).toEqual([expect.objectContaining({ id: reply.traceId, output: ANSWER })]);
  });

  it("reads the app's logs by cursor, through the tool and the resource", async () => {
    const first = await call<{ lines: Array<{ cursor: number; text: string }>; nextCursor: number }>(
      "att.runtime.logs",
      { projectId, limit: 5000 },
    );
    expect(first.lines.some((line) => /Uvicorn running on http:\/\/127\.0\.0\.1/.test(line.text))).toBe(true);
    const cursors = first.lines.map((line) => line.cursor);
    expect(cursors).toEqual([...cursors].sort((a, b) => a - b));
    const resource = await readJson<{ lines: Array<{ cursor: number }> }>(`att://project/${projectId}/logs`);
    expect(resource.lines.length).toBeGreaterThan(0);
    const after = await readJson<{ lines: Array<{ cursor: number }> }>(
      `att://project/${projectId}/logs?after=${cursors[0]}`,
    );
    expect(after.lines[0]?.cursor).toBe(cursors[1]);
  });

  it("runs the project's pytest suite and gets parsed results", async () => {
    const { run } = await call<{ run: { id: string; status: string; counts: { passed: number; failed: number } } }>(
      "att.test.run",
      { projectId },
    );
    expect(run.status).toBe("passed");
    expect(run.counts.passed).toBeGreaterThanOrEqual(1);
    expect(run.counts.failed).toBe(0);
    const latest = await readJson<{ run: { id: string } }>(`att://project/${projectId}/tests`);
    expect(latest.run.id).toBe(run.id);
  });

  let good: Release;

  it("builds a release and deploys it", async () => {
    ({ release: good } = await call<{ release: Release }>("att.deploy.build", { projectId, label: "good" }));
    const { deployment, runtime } = await call<{ deployment: Deployment; runtime: Status }>("att.deploy.run", {
      projectId,
      releaseId: good.id,
    });
    expect(deployment.outcome).toBe("succeeded");
    expect(runtime).toMatchObject({ state: "running", releaseId: good.id });
    expect(await healthOf(runtime)).toBe(200);
  });

  it("deploys a release that cannot start and sees the previous one restored", async () => {
    // Validates (every type exists) but fails while NAT builds the workflow: the test LLM is no tool-calling model.
    await call("att.code.write", {
      projectId,
      path: "configs/config.yml",
      content: [
        "llms:",
        "  main: {_type: nat_test_llm, response_seq: [never]}",
        "functions:",
        "  now: {_type: current_datetime}",
        "workflow:",
        "  _type: tool_calling_agent",
        "  llm_name: main",
        "  tool_names: [now]",
        "",
      ].join("\n"),
    });
    const { release: broken } = await call<{ release: Release }>("att.deploy.build", { projectId, label: "broken" });
    expect(broken.version).toBe(good.version + 1);
    const { deployment, runtime } = await call<{ deployment: Deployment; runtime: Status }>("att.deploy.run", {
      projectId,
      healthTimeoutSeconds: 120,
    });
    expect(deployment).toMatchObject({ outcome: "rolled_back", releaseId: broken.id, restoredReleaseId: good.id });
    expect(deployment.reason).toBeTruthy();
    expect(runtime).toMatchObject({ state: "running", releaseId: good.id });
    expect(await healthOf(runtime)).toBe(200);

    const status = await call<{ current: Release | null; history: Deployment[] }>("att.deploy.status", { projectId });
    expect(status.current?.id).toBe(good.id);
    expect(status.history.map((entry) => entry.outcome)).toEqual(["rolled_back", "succeeded"]);

    const events = await stack.eventsOfType(projectId, "deploy.completed", 2);
    expect(events.map((event) => event.payload.outcome)).toEqual(["succeeded", "rolled_back"]);
  });

  it("stops the app", async () => {
    const { status } = await call<{ status: Status }>("att.runtime.stop", { projectId });
    expect(status.state).toBe("stopped");
  });
});
