/**
 * A self change's CI polling against a stand-in GitHub API (agent/test/git-pr-github-server.ts;
 * the real one cannot be reached here), on the real stack: wrangler dev, a real agent, real git.
 * The project's origin reads as github.com/octo/demo while its push URL is a local bare
 * repository, so `git.push` works offline and the agent's GitHub provider talks to the stand-in.
 * - the API is unreachable for a while (Actions answering 503, then everything 503, then
 *   connections cut), then the checks go green: every failed poll is retried, the change merges;
 * - the checks never finish: the poll times out and nothing is merged;
 * - the checks fail: the change stops at once, naming why, and nothing is merged.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type StoredEvent, type Workflow, WorkflowEventPayload } from "@att/shared";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { StandInGitHub } from "../../agent/test/git-pr-github-server.ts";
import { Stack } from "../support/stack.ts";

const TOKEN = `gh-fake-${crypto.randomUUID()}`;
const PROJECT = "ci_demo";
const PULLS = "/repos/octo/demo/pulls";
const RUNS = "/repos/octo/demo/actions/runs";

let github: StandInGitHub;
let stack: Stack;
let projectId: string;
let repo: string;
let bare: string;

const git = (cwd: string, ...args: string[]): string => execFileSync("git", args, { cwd, encoding: "utf8" }).trim();

/**
 * A repository on main whose origin is GitHub for the provider (remote.origin.url) while git itself fetches
 * from and pushes to a local bare repository (url.<bare>.insteadOf), so the cycle's push and fetch work offline.
 */
function makeProject(): void {
  bare = path.join(stack.dir, "origin.git");
  git(stack.dir, "init", "--quiet", "--bare", "--initial-branch=main", bare);
  stack.addProjectDir(PROJECT);
  repo = path.join(stack.projectsDir, PROJECT);
  git(repo, "init", "--quiet", "--initial-branch=main");
  git(repo, "config", "user.name", "ATT CI test");
  git(repo, "config", "user.email", "ci-test@att.invalid");
  git(repo, "remote", "add", "origin", "https://github.com/octo/demo.git");
  git(repo, "config", `url.${bare}.insteadOf`, "https://github.com/octo/demo.git");
  writeFileSync(
    path.join(repo, "package.json"),
    `${JSON.stringify({ name: "ci-demo", private: true, scripts: { test: 'node -e ""' } }, null, 2)}\n`,
  );
  mkdirSync(path.join(repo, ".att"));
  writeFileSync(path.join(repo, ".att", "self.json"), `${JSON.stringify({ tests: { paths: [] } })}\n`);
  git(repo, "add", ".");
  git(repo, "commit", "--quiet", "-m", "initial");
  git(repo, "push", "--quiet", "origin", "main");
  git(repo, "push", "--quiet", "origin", "main");
}

beforeAll(async () => {
  github = await StandInGitHub.start(TOKEN);
  stack = await Stack.start({ agentEnv: { GITHUB_TOKEN: TOKEN, ATT_GITHUB_API_URL: github.url } });
  makeProject();
  await stack.startLinkedAgent();
  projectId = (await stack.projectNamed(PROJECT)).id;
}, 120_000);

afterAll(async () => {
  await stack?.dispose();
  await github?.close();
});

beforeEach(() => {
  github.requests.length = 0;
  github.outage = null;
  // GitHub Actions starts a run for each new pull request's head; it stays queued until a test says otherwise.
  github.runOnNewPull = { status: "queued", conclusion: null };
});

async function change(body: Record<string, unknown>): Promise<Workflow> {
  const response = await stack.api(`/api/v1/projects/${projectId}/self/changes`, {
    method: "POST",
    body: JSON.stringify({ provider: "github", restart: false, ...body }),
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as Workflow;
}

const workflowOf = (id: string) => stack.json<Workflow>(`/api/v1/workflows/${id}`);

async function settled(id: string, timeoutMs = 90_000): Promise<Workflow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const workflow = await workflowOf(id);
    if (!["queued", "running"].includes(workflow.status)) return workflow;
    if (Date.now() > deadline) throw new Error(`workflow still ${workflow.status}: ${JSON.stringify(workflow.steps)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Waits for `check` while the workflow runs; fails at once (with its error) when it ends first. */
async function whileRunning(id: string, what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await check())) {
    const workflow = await workflowOf(id);
    if (!["queued", "running"].includes(workflow.status)) {
      throw new Error(`workflow ${workflow.status} before ${what}: ${JSON.stringify(workflow.error)}`);
    }
    if (Date.now() > deadline) throw new Error(`no ${what} within 30 s: ${JSON.stringify(workflow.steps)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface StepEvent {
  type: string;
  payload: WorkflowEventPayload;
}

async function stepEvents(workflowId: string, stepId: string): Promise<StepEvent[]> {
  const events: StoredEvent[] = [];
  for (let after = 0; ; ) {
    const page = await stack.json<{ events: StoredEvent[]; hasMore: boolean; nextAfter: number }>(
      `/api/v1/projects/${projectId}/events?after=${after}&limit=1000`,
    );
    events.push(...page.events);
    if (!page.hasMore) break;
    after = page.nextAfter;
  }
  return events
    .filter((event) => event.type.startsWith("workflow."))
    .map((event) => ({ type: event.type, payload: WorkflowEventPayload.parse(event.payload) }))
    .filter((event) => event.payload.workflowId === workflowId && event.payload.stepId === stepId);
}

const step = (workflow: Workflow, id: string) => {
  const found = workflow.steps.find((s) => s.id === id);
  if (found === undefined) throw new Error(`no step ${id} in ${JSON.stringify(workflow.steps)}`);
  return found;
};
const statuses = (workflow: Workflow) => Object.fromEntries(workflow.steps.map((s) => [s.id, s.status]));
const ciOf = (outcome: unknown): unknown =>
  (outcome as { pullRequest?: { ci?: unknown } } | undefined)?.pullRequest?.ci;
const faults = (kind: "unavailable" | "drop", where: string) =>
  github.requests.filter((r) => r.fault === kind && r.path === where).length;
const merges = () => github.requests.filter((r) => r.method === "PUT" && /\/pulls\/\d+\/merge$/.test(r.path));

describe("self change CI polling against a stand-in GitHub API", () => {
  it("keeps polling while the stand-in GitHub API is unreachable, then merges once the checks are green", async () => {
    const workflow = await change({
      title: "Docs: say hello",
      files: [{ path: "docs/hello.md", content: "# Hello\n" }],
      ci: { intervalMs: 200, maxIntervalMs: 1000, timeoutMs: 60_000 },
    });

    await whileRunning(workflow.id, "a poll that finds CI pending", async () =>
      (await stepEvents(workflow.id, "ci")).some(
        (e) => e.type === "workflow.step.waiting" && ciOf(e.payload.outcome) === "pending",
      ),
    );
    // Actions is down while pull requests still answer: that is not "no CI" (which would fail the change).
    github.outage = { kind: "unavailable", paths: /\/actions\/runs$/ };
    await whileRunning(workflow.id, "a 503 from Actions", () => faults("unavailable", RUNS) > 0);
    github.outage = { kind: "unavailable" };
    await whileRunning(workflow.id, "a 503 for the pull requests", () => faults("unavailable", PULLS) > 0);
    github.outage = { kind: "drop" };
    await whileRunning(workflow.id, "a cut connection", () => faults("drop", PULLS) > 0);
    // Back, and green.
    const pull = github.pulls.at(-1);
    const run = github.runs.find((r) => r.head_sha === pull?.head.sha);
    expect(run).toBeDefined();
    Object.assign(run ?? {}, { status: "completed", conclusion: "success" });
    github.outage = null;

    const done = await settled(workflow.id);
    expect(done.status, JSON.stringify(done.error)).toBe("succeeded");
    expect(statuses(done)).toEqual({
      plan: "succeeded",
      branch: "succeeded",
      "edit-1": "succeeded",
      commit: "succeeded",
      tests: "succeeded",
      refuse: "skipped",
      push: "succeeded",
      pr: "succeeded",
      ci: "succeeded",
      review: "skipped",
      merge: "succeeded",
      "checkout-base": "succeeded",
    });
    const ci = step(done, "ci");
    expect(ciOf(ci.result)).toBe("success");

    // Every poll that met the outage failed, was retried with a time for the next try, and none ended the step.
    const events = await stepEvents(workflow.id, "ci");
    const failed = events.filter((e) => e.type === "workflow.step.failed");
    const outagePolls = github.requests.filter((r) => r.fault !== undefined).length;
    expect(failed.length).toBe(outagePolls);
    expect(failed.length).toBeGreaterThanOrEqual(3);
    for (const event of failed) {
      expect(event.payload.error?.code).toBe("upstream_error");
      expect(Date.parse(event.payload.nextAt ?? "")).not.toBeNaN();
      expect(event.payload.attempt ?? 0).toBeLessThan(ci.attempt);
    }
    const messages = failed.map((e) => e.payload.error?.message ?? "");
    expect(messages.some((m) => m.includes("GitHub answered 503 for octo/demo"))).toBe(true);
    expect(messages.some((m) => m.includes("could not reach GitHub for octo/demo"))).toBe(true);
    expect(ci.attempt).toBeGreaterThan(failed.length + 1); // + the pending poll(s) and the green one
    expect(events.at(-1)).toMatchObject({ type: "workflow.step.succeeded", payload: { attempt: ci.attempt } });

    // What the stand-in saw: one pull request from the change's branch, merged once, all with the token.
    const branch = (step(done, "plan").result as { branch: string }).branch;
    expect(github.requests.filter((r) => r.method === "POST" && r.path === PULLS).map((r) => r.body)).toEqual([
      { title: "Docs: say hello", body: "", head: branch, base: "main" },
    ]);
    expect(merges().map((r) => r.path)).toEqual([`${PULLS}/${pull?.number}/merge`]);
    expect(pull).toMatchObject({ state: "closed", merge_commit_sha: "d".repeat(40) });
    expect(github.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);
    // The branch really was pushed (to the bare repository behind origin's push URL), and the tree is back on main.
    expect(git(bare, "show", `${branch}:docs/hello.md`)).toBe("# Hello");
    expect(git(repo, "rev-parse", "--abbrev-ref", "HEAD")).toBe("main");
    const plan = (await stepEvents(workflow.id, "plan")).find((e) => e.type === "workflow.step.started");
    expect(plan?.payload.inputs).toMatchObject({ provider: "github" });
  }, 150_000);

  it("gives up when the stand-in GitHub API's checks never finish, and merges nothing", async () => {
    const workflow = await change({
      title: "Docs: never green",
      files: [{ path: "docs/pending.md", content: "# Pending\n" }],
      ci: { intervalMs: 200, maxIntervalMs: 1000, timeoutMs: 3000 },
    });
    const done = await settled(workflow.id);
    expect(done.status).toBe("failed");
    expect(done.error?.code).toBe("timeout");
    expect(done.error?.message).toContain("step 'ci' failed: gave up after 3 s");
    const ci = step(done, "ci");
    expect(ci.status).toBe("failed");
    expect(ci.error?.code).toBe("timeout");
    expect(ciOf(ci.result)).toBe("pending");
    expect(ci.attempt).toBeGreaterThan(1);
    expect(statuses(done)).toMatchObject({ push: "succeeded", pr: "succeeded", review: "skipped", merge: "skipped" });
    // Clean-up still put the working tree back on main.
    expect(step(done, "checkout-base").status).toBe("succeeded");
    expect(git(repo, "rev-parse", "--abbrev-ref", "HEAD")).toBe("main");
    // The stand-in was polled until the deadline and never asked to merge.
    expect(github.requests.filter((r) => r.method === "GET" && r.path === PULLS).length).toBe(ci.attempt);
    expect(merges()).toEqual([]);
    expect(github.pulls.at(-1)).toMatchObject({ state: "open", merged_at: null });
  }, 120_000);

  it("stops at a red check on the stand-in GitHub API, naming why, and merges nothing", async () => {
    github.runOnNewPull = { status: "completed", conclusion: "failure" };
    const workflow = await change({
      title: "Docs: red",
      files: [{ path: "docs/red.md", content: "# Red\n" }],
      ci: { intervalMs: 200, maxIntervalMs: 1000, timeoutMs: 60_000 },
    });
    const done = await settled(workflow.id);
    expect(done.status).toBe("failed");
    const ci = step(done, "ci");
    expect(ci).toMatchObject({ status: "failed", attempt: 1, error: { code: "precondition_failed" } });
    // Only the condition that held is named, not every way to stop.
    expect(ci.error?.message).toBe(
      'stopped waiting: result.pullRequest.ci is "failure" (in ["failure","error","none"])',
    );
    expect(statuses(done)).toMatchObject({ merge: "skipped", "checkout-base": "succeeded" });
    expect(merges()).toEqual([]);
  }, 120_000);

  it("lets the change request's provider win over the one the stand-in GitHub origin suggests", async () => {
    const response = await stack.api("/api/v1/workflows", {
      method: "POST",
      body: JSON.stringify({
        projectId,
        name: "plans",
        steps: ["github", "local", null].map((provider, index) => ({
          id: `plan-${index}`,
          action: {
            type: "call",
            method: "self.plan",
            params: {
              projectId,
              title: "x",
              paths: ["x.md"],
              ...(provider ? { provider } : {}),
            },
          },
        })),
      }),
    });
    expect(response.status, await response.clone().text()).toBe(201);
    const done = await settled(((await response.json()) as Workflow).id);
    expect(done.status, JSON.stringify(done.error)).toBe("succeeded");
    expect(done.steps.map((s) => (s.result as { provider: string }).provider)).toEqual(["github", "local", "github"]);
  }, 60_000);
});
