/**
 * The end-to-end cycle through MCP tools alone, on the real stack
 * (wrangler dev + the real agent + real git): create a project, write a file,
 * commit, branch, open a pull request with the local provider, wait for its CI
 * (the project's own test command), merge. Also: the jail holds over MCP.
 */
import { symlinkSync } from "node:fs";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Stack } from "../support/stack.ts";

let stack: Stack;
let client: Client;

beforeAll(async () => {
  stack = await Stack.start();
  await stack.startLinkedAgent();
  client = new Client({ name: "att-cycle", version: "1.0.0" });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${stack.url}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${stack.userToken}` } },
    }),
  );
});
afterAll(async () => {
  await client?.close();
  await stack?.dispose();
});

/** Calls a tool and returns its structured result, failing the test with the tool's error text. */
async function call<T>(name: string, args: Record<string, unknown>): Promise<T> {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}

/** Calls a tool that must fail and returns the stable error code it reports. */
async function failure(name: string, args: Record<string, unknown>): Promise<string> {
  const result = await client.callTool({ name, arguments: args });
  expect(result.isError).toBe(true);
  const text = (result.content as Array<{ type: string; text: string }>)[0]?.text ?? "{}";
  return (JSON.parse(text) as { error: { code: string } }).error.code;
}

describe("a whole change cycle through MCP tools alone", () => {
  let projectId: string;

  it("creates a project and refuses reads outside it", async () => {
    const created = await call<{ project: { id: string; path: string } }>("att.project.create", {
      name: "cycle_app",
      template: "empty",
    });
    projectId = created.project.id;
    expect(await failure("att.code.read", { projectId, path: "../../etc/passwd" })).toBe("forbidden");
    symlinkSync("/etc", path.join(created.project.path, "etc"));
    expect(await failure("att.code.read", { projectId, path: "etc/passwd" })).toBe("forbidden");
    expect(await failure("att.code.read", { projectId, path: "etc" })).toBe("forbidden");
  });

  it("writes, commits, branches, opens a PR whose CI passes, and merges it", async () => {
    // The local provider's CI runs the project's own test command.
    await call("att.code.write", {
      projectId,
      path: ".att/ci.json",
      content: JSON.stringify({
        command: ["node", "-e", "process.exit(require('./answer.json').value === 42 ? 0 : 1)"],
      }),
    });
    await call("att.code.write", { projectId, path: "answer.json", content: '{"value": 41}\n' });
    await call("att.code.write", { projectId, path: ".gitignore", content: "node_modules/\n" });
    const base = await call<{ commit: { sha: string }; branch: string }>("att.git.commit", {
      projectId,
      message: "Start with the wrong answer",
      paths: ["."],
    });
    expect(base.branch).toBe("main");

    await call("att.git.branch", { projectId, action: "create", name: "fix/answer" });
    const branches = await call<{ current: string }>("att.git.branch", { projectId, action: "list" });
    expect(branches.current).toBe("fix/answer");

    await call("att.code.write", { projectId, path: "answer.json", content: '{"value": 42}\n' });
    const diff = await call<{ diff: string }>("att.code.diff", { projectId });
    expect(diff.diff).toContain('+{"value": 42}');
    await call("att.git.commit", { projectId, message: "Fix the answer", all: true });

    const opened = await call<{ pullRequest: { number: number; provider: string; base: string; head: string } }>(
      "att.git.pr.create",
      { projectId, title: "Fix the answer", body: "CI must pass.", provider: "local" },
    );
    expect(opened.pullRequest).toMatchObject({ provider: "local", base: "main", head: "fix/answer" });

    const conclusion = await waitForCi(projectId, opened.pullRequest.number);
    expect(conclusion).toBe("success");

    await call("att.git.pr.review", {
      projectId,
      action: "add",
      number: opened.pullRequest.number,
      event: "approve",
      body: "Looks right.",
    });
    const merged = await call<{ pullRequest: { state: string; mergeCommit: string } }>("att.git.pr.merge", {
      projectId,
      number: opened.pullRequest.number,
      provider: "local",
    });
    expect(merged.pullRequest.state).toBe("merged");

    // The merge is a real commit on main whose tree has the fix.
    const dir = path.join(stack.projectsDir, "cycle_app");
    const mainSha = (await execa("git", ["rev-parse", "main"], { cwd: dir })).stdout.trim();
    expect(mainSha).toBe(merged.pullRequest.mergeCommit);
    const answer = (await execa("git", ["show", "main:answer.json"], { cwd: dir })).stdout;
    expect(JSON.parse(answer)).toEqual({ value: 42 });
    const log = await call<{ commits: Array<{ message: string }> }>("att.git.log", {
      projectId,
      ref: "main",
      limit: 3,
    });
    expect(log.commits.map((c) => c.message.split("\n")[0])).toContain("Fix the answer");
  });
});

/** Polls the PR's CI through att.git.actions until its run completes; returns the conclusion. */
async function waitForCi(projectId: string, number: number, timeoutMs = 60_000): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { runs } = await call<{ runs: Array<{ status: string; conclusion: string | null; id: string }> }>(
      "att.git.actions",
      { projectId, number, provider: "local" },
    );
    const run = runs[0];
    if (run?.status === "completed") {
      if (run.conclusion !== "success") {
        const log = await call<{ log: string }>("att.git.actions", { projectId, runId: run.id, provider: "local" });
        throw new Error(`CI ${run.conclusion}: ${log.log.slice(-2000)}`);
      }
      return run.conclusion;
    }
    if (Date.now() > deadline) throw new Error(`CI did not finish in ${timeoutMs} ms: ${JSON.stringify(runs)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
