/**
 * The self-bootstrap cycle end to end, on a temporary copy of ATT's own
 * repository started by ATT's own launcher (real wrangler dev, real agent,
 * real git, the local PR provider with its real local CI):
 * - a trivial change goes through tests, PR, CI, merge and a restart, and
 *   health then reports the merged commit, with no request failing during
 *   the switch;
 * - a change that breaks a unit test is refused before any PR;
 * - a change whose new version cannot start is merged, rolled back by the
 *   launcher, reverted on main, and recorded;
 * - two change requests at once run one after the other;
 * - a high-risk change from an MCP client waits for an approval given over MCP.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { StoredEvent, SwitchRecord, Workflow } from "@att/shared";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUICK_TEST, SelfRepo } from "../support/self-repo.ts";

const self = new SelfRepo();
let projectId: string;

beforeAll(async () => {
  self.prepare();
  await self.launch();
  projectId = (await self.project()).id;
}, 360_000);

afterAll(async () => {
  await self.dispose();
}, 60_000);

const change = (body: Record<string, unknown>) => self.change(projectId, body);
const settled = (id: string) => self.settled(id);

const step = (workflow: Workflow, id: string) => {
  const found = workflow.steps.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no step ${id}`);
  return found;
};

async function workflowEvents(workflowId: string): Promise<StoredEvent[]> {
  const events: StoredEvent[] = [];
  let after = 0;
  for (;;) {
    const page = await self.json<{ events: StoredEvent[]; hasMore: boolean; nextAfter: number }>(
      `/api/v1/projects/${projectId}/events?after=${after}&limit=1000`,
    );
    events.push(...page.events.filter((event) => event.payload.workflowId === workflowId));
    if (!page.hasMore) return events;
    after = page.nextAfter;
  }
}

describe("self-bootstrap on a copy of ATT's own repository", () => {
  it("carries a trivial change through tests, PR, CI and merge, and restarts on it without a failed request", async () => {
    const before = self.head();
    const asking = self.probe();
    const workflow = await change({
      title: "Docs: a line written by the self-change test",
      files: [{ path: "docs/self-change-demo.md", content: "# Written by ATT itself\n" }],
    });
    const done = await settled(workflow.id);
    const traffic = await asking.stop();
    expect(done.status, JSON.stringify(done, null, 1)).toBe("succeeded");

    const merged = step(done, "merge").result as { pullRequest: { mergeCommit: string; ci: string } };
    expect(merged.pullRequest.ci).toBe("success");
    const mergeCommit = merged.pullRequest.mergeCommit;
    expect(self.head()).toBe(mergeCommit);
    expect(self.git(self.repo, ["rev-parse", `${mergeCommit}^1`])).toBe(before);
    expect(self.git(self.repo, ["symbolic-ref", "--short", "HEAD"])).toBe("main");
    expect(readFileSync(path.join(self.repo, "docs", "self-change-demo.md"), "utf8")).toBe("# Written by ATT itself\n");
    expect(step(done, "tests").status).toBe("succeeded");
    expect(step(done, "refuse").status).toBe("skipped");
    expect(step(done, "review").status).toBe("skipped");

    // The restarted process answers health with the merged commit.
    const health = await self.waitForBuild(mergeCommit, 30_000);
    expect(health.build).toBe(mergeCommit);
    const switched = step(done, "healthy").result as { switch: SwitchRecord };
    expect(switched.switch).toMatchObject({ state: "healthy", fromSha: before, toSha: mergeCommit });

    // The old version served (or requests were held) until the new one was healthy: nothing failed.
    expect(traffic.sent).toBeGreaterThan(20);
    expect(traffic.failed).toEqual([]);

    // Every step is in the audit log with its actor, inputs, outcome and duration.
    const events = await workflowEvents(workflow.id);
    const succeeded = events.filter((event) => event.type === "workflow.step.succeeded");
    for (const id of [
      "plan",
      "branch",
      "edit-1",
      "commit",
      "tests",
      "pr",
      "ci",
      "merge",
      "checkout-base",
      "restart",
      "healthy",
    ]) {
      const event = succeeded.find((e) => e.payload.stepId === id);
      expect(event, id).toBeDefined();
      expect(event?.actor).toBe("user:admin");
      expect(typeof event?.payload.durationMs).toBe("number");
    }
    expect(events.at(-1)?.type).toBe("workflow.succeeded");
    console.log(
      `[self-bootstrap] step durations (ms): ${done.steps.map((s) => `${s.id}=${s.durationMs ?? "-"}`).join(" ")}; ` +
        `requests during the cycle: ${traffic.sent}, failed: ${traffic.failed.length}; held during the switch: ${switched.switch.heldRequests}, longest hold ${switched.switch.maxHoldMs} ms`,
    );
  });

  it("refuses a change that breaks a unit test before any pull request", async () => {
    const before = self.head();
    const original = readFileSync(path.join(self.repo, QUICK_TEST), "utf8");
    const broken = `${original}\nimport { it as brokenIt } from "vitest";\nbrokenIt("is broken by the self-change test", () => {\n  throw new Error("deliberately red");\n});\n`;
    const workflow = await change({ title: "Break a unit test", files: [{ path: QUICK_TEST, content: broken }] });
    const done = await settled(workflow.id);
    expect(done.status).toBe("failed");
    expect(done.error?.code).toBe("precondition_failed");
    expect(done.error?.message).toContain("refused");
    expect(JSON.stringify(done.error?.details)).toContain("deliberately red");
    for (const id of ["pr", "ci", "merge", "restart", "healthy"]) expect(step(done, id).status, id).toBe("skipped");
    expect(step(done, "checkout-base").status).toBe("succeeded");
    // Nothing reached main, and no pull request was opened.
    expect(self.head()).toBe(before);
    expect(self.git(self.repo, ["symbolic-ref", "--short", "HEAD"])).toBe("main");
    const { pullRequests } = await self.json<{ pullRequests: Array<{ title: string }> }>(
      `/api/v1/projects/${projectId}/git/pr?state=all`,
    );
    expect(pullRequests.map((pr) => pr.title)).not.toContain("Break a unit test");
  });

  it("rolls back a merged change whose new version cannot start, and reverts it on main", async () => {
    const before = self.head();
    const entry = "agent/src/start/main.ts";
    const original = readFileSync(path.join(self.repo, entry), "utf8");
    const fatal = `${original}\n// Added by the self-bootstrap test: this version exits at start.\nprocess.exit(3);\n`;
    const workflow = await change({ title: "A version that cannot start", files: [{ path: entry, content: fatal }] });
    const done = await settled(workflow.id);
    expect(done.status).toBe("failed");
    const mergeCommit = (step(done, "merge").result as { pullRequest: { mergeCommit: string } }).pullRequest
      .mergeCommit;
    const healthy = step(done, "healthy");
    expect(healthy.status).toBe("failed");
    const record = (healthy.result as { switch: SwitchRecord }).switch;
    expect(record).toMatchObject({ state: "rolled_back", fromSha: before, toSha: mergeCommit });
    expect(record.reason).toMatch(/exit/i);

    // The previous version serves again.
    const health = await self.waitForBuild(before, 60_000);
    expect(health.build).toBe(before);
    // main carries a revert of the merge, so the next start is healthy too.
    expect(record.revertSha).not.toBeNull();
    expect(self.head()).toBe(record.revertSha);
    expect(self.git(self.repo, ["rev-parse", `${record.revertSha}^`])).toBe(mergeCommit);
    expect(self.git(self.repo, ["diff", "--stat", before, "main"])).toBe("");
    // Recorded: the failed step and the workflow's failure, with the reason.
    const events = await workflowEvents(workflow.id);
    const failedStep = events.find((e) => e.type === "workflow.step.failed" && e.payload.stepId === "healthy");
    expect(JSON.stringify(failedStep?.payload)).toContain("rolled_back");
    expect(events.at(-1)?.type).toBe("workflow.failed");
  });

  it("serializes two change requests made at once", async () => {
    const before = self.head();
    const [first, second] = await Promise.all([
      change({ title: "Docs: first of two", restart: false, files: [{ path: "docs/first.md", content: "first\n" }] }),
      change({
        title: "Docs: second of two",
        restart: false,
        files: [{ path: "docs/second.md", content: "second\n" }],
      }),
    ]);
    if (first === undefined || second === undefined) throw new Error("two workflows expected");
    const [a, b] = [await settled(first.id), await settled(second.id)];
    expect([a.status, b.status]).toEqual(["succeeded", "succeeded"]);
    // One ran entirely before the other started.
    const [earlier, later] = Date.parse(a.startedAt ?? "") < Date.parse(b.startedAt ?? "") ? [a, b] : [b, a];
    expect(Date.parse(later.startedAt ?? "")).toBeGreaterThanOrEqual(Date.parse(earlier.finishedAt ?? ""));
    // The later change was planned on top of the earlier merge.
    const earlierMerge = (step(earlier, "merge").result as { pullRequest: { mergeCommit: string } }).pullRequest;
    const laterPlan = step(later, "plan").result as { baseSha: string };
    expect(laterPlan.baseSha).toBe(earlierMerge.mergeCommit);
    const firstParents = self.git(self.repo, ["rev-list", "--first-parent", `${before}..main`]).split("\n");
    expect(firstParents).toHaveLength(2);
  });

  it("takes a change from an MCP client, and a high-risk one waits for an approval given over MCP", async () => {
    const client = new Client({ name: "self-bootstrap-test", version: "1.0.0" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${self.url}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${self.token}` } },
      }),
    );
    try {
      const tools = (await client.listTools()).tools.map((tool) => tool.name);
      expect(tools).toEqual(expect.arrayContaining(["att.self.change", "att.workflow.get", "att.workflow.approve"]));
      const started = await client.callTool({
        name: "att.self.change",
        arguments: {
          projectId,
          title: "CI: a workflow file (high-risk)",
          restart: false,
          files: [{ path: ".github/workflows/self-demo.yml", content: "name: demo\non: [push]\njobs: {}\n" }],
        },
      });
      expect(started.isError, JSON.stringify(started.content)).toBeFalsy();
      const workflow = started.structuredContent as Workflow;
      // It stops before merging and asks for a human.
      const deadline = Date.now() + 240_000;
      let waiting: Workflow;
      for (;;) {
        const got = await client.callTool({ name: "att.workflow.get", arguments: { workflowId: workflow.id } });
        waiting = got.structuredContent as Workflow;
        if (step(waiting, "review").waitingFor === "approval") break;
        if (waiting.status !== "running" || Date.now() > deadline) throw new Error(JSON.stringify(waiting.steps));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(step(waiting, "merge").status).toBe("pending");
      const plan = step(waiting, "plan").result as { highRisk: Array<{ path: string; rule: string }> };
      expect(plan.highRisk).toEqual([{ path: ".github/workflows/self-demo.yml", rule: ".github/** (built in)" }]);
      const approved = await client.callTool({
        name: "att.workflow.approve",
        arguments: { workflowId: workflow.id, stepId: "review", approve: true, comment: "looks fine" },
      });
      expect(approved.isError).toBeFalsy();
      const done = await settled(workflow.id);
      expect(done.status).toBe("succeeded");
      expect((step(done, "review").result as { by: string }).by).toBe("mcp:admin");
      expect(readFileSync(path.join(self.repo, ".github", "workflows", "self-demo.yml"), "utf8")).toContain("demo");
    } finally {
      await client.close();
    }
  });
});
