/** The local pull-request provider end to end: real repositories, real CI processes, real merges. */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { WorkflowRun } from "@att/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { stopLocalCi } from "../src/operations/git/pr/index.ts";
import { planCi } from "../src/operations/git/pr/local/ci-plan.ts";
import { ciRuns } from "../src/state/schema.ts";
import { call, commitFile, gitIn, makeRepo, waitFor } from "./git-pr-helpers.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

const CHECK = `import { readFileSync } from "node:fs";
const status = readFileSync("status.txt", "utf8").trim();
console.log("checking status: " + status);
if (status !== "ok") { console.error("status is " + status); process.exit(1); }
`;

let ctx: TestContext;
let repo: string;
let projectId: string;

async function setUp(files: Record<string, string>): Promise<void> {
  repo = makeRepo(ctx.config.projectsDir, "demo", files);
  const project = (await ctx.catalog.list()).find((p) => p.name === "demo");
  projectId = project?.id ?? "";
}

const ciFiles = (extra: Record<string, string> = {}) => ({
  ".att/ci.json": JSON.stringify({ command: [process.execPath, "check.mjs"] }),
  "check.mjs": CHECK,
  "status.txt": "ok\n",
  ...extra,
});

function branchWith(name: string, file: string, content: string): string {
  gitIn(repo, "switch", "-q", "-c", name);
  const sha = commitFile(repo, file, content);
  gitIn(repo, "switch", "-q", "main");
  return sha;
}

async function finishedRun(number: number): Promise<WorkflowRun> {
  return waitFor(async () => {
    const { runs } = await call(ctx, "git.actions", { projectId, number });
    return runs[0]?.status === "completed" ? runs[0] : undefined;
  });
}

const eventTypes = () => ctx.outbox.after(0, 1000).map((entry) => entry.event.type);

beforeEach(() => {
  ctx = createTestContext();
});
afterEach(async () => {
  await stopLocalCi();
  ctx.dispose();
});

describe("local pull requests", () => {
  it("creates a PR, runs its CI in the background, merges it into main and reports each step", async () => {
    await setUp(ciFiles());
    const headSha = branchWith("feature/greeting", "greeting.txt", "hello\n");
    const { pullRequest } = await call(ctx, "git.pr.create", {
      projectId,
      title: "Add a greeting",
      body: "Says hello.",
      head: "feature/greeting",
    });
    expect(pullRequest).toMatchObject({ number: 1, provider: "local", base: "main", headSha, state: "open" });
    expect(["pending", "running"]).toContain(pullRequest.ci);

    const run = await finishedRun(1);
    expect(run).toMatchObject({ conclusion: "success", branch: "feature/greeting", headSha });
    const { log, truncated } = await call(ctx, "git.actions.log", { projectId, runId: run.id });
    expect(log).toContain("checking status: ok");
    expect(truncated).toBe(false);
    expect(gitIn(repo, "worktree", "list").split("\n")).toHaveLength(1);
    const listed = await call(ctx, "git.pr.list", { projectId });
    expect(listed.pullRequests).toMatchObject([{ number: 1, ci: "success" }]);

    const merged = await call(ctx, "git.pr.merge", { projectId, number: 1 });
    expect(merged.pullRequest.state).toBe("merged");
    const mergeCommit = merged.pullRequest.mergeCommit ?? "";
    expect(gitIn(repo, "rev-parse", "main")).toBe(mergeCommit);
    expect(gitIn(repo, "rev-parse", `${mergeCommit}^2`)).toBe(headSha);
    expect(gitIn(repo, "log", "-1", "--format=%s", mergeCommit)).toBe("Merge pull request #1 from feature/greeting");
    // main is checked out: the user's working tree moved with it
    expect(readFileSync(path.join(repo, "greeting.txt"), "utf8")).toBe("hello\n");
    expect(gitIn(repo, "status", "--porcelain")).toBe("");
    expect(eventTypes()).toEqual(["git.pr.created", "test.run", "test.passed", "git.pr.merged"]);
    const mergedEvent = ctx.outbox.after(0, 10).at(-1)?.event;
    expect(mergedEvent?.payload).toMatchObject({ number: 1, base: "main", head: "feature/greeting", mergeCommit });
    expect((await call(ctx, "git.pr.list", { projectId, state: "merged" })).pullRequests).toHaveLength(1);
    expect((await call(ctx, "git.pr.list", { projectId })).pullRequests).toHaveLength(0);
  });

  it("reports a failing test command as a failed run with its output", async () => {
    await setUp(ciFiles());
    branchWith("broken", "status.txt", "broken\n");
    const { pullRequest } = await call(ctx, "git.pr.create", { projectId, title: "Break it", head: "broken" });
    const run = await finishedRun(pullRequest.number);
    expect(run.conclusion).toBe("failure");
    const { log } = await call(ctx, "git.actions.log", { projectId, runId: run.id });
    expect(log).toContain("status is broken");
    expect((await call(ctx, "git.pr.list", { projectId })).pullRequests[0]?.ci).toBe("failure");
    const failed = ctx.outbox.after(0, 10).find((entry) => entry.event.type === "test.failed")?.event;
    expect(failed?.payload).toMatchObject({ pr: 1, runId: run.id, exitCode: 1 });
  });

  it("ends a run that outlives its timeout", async () => {
    await setUp({
      ".att/ci.json": JSON.stringify({
        command: [process.execPath, "-e", "setInterval(() => {}, 1000)"],
        timeoutSeconds: 1,
      }),
    });
    branchWith("slow", "slow.txt", "zzz\n");
    await call(ctx, "git.pr.create", { projectId, title: "Slow", head: "slow" });
    expect((await finishedRun(1)).conclusion).toBe("timed_out");
    expect((await call(ctx, "git.pr.list", { projectId })).pullRequests[0]?.ci).toBe("failure");
  });

  it("fails a run whose command cannot start, and cancels runs in progress on shutdown", async () => {
    await setUp({ ".att/ci.json": JSON.stringify({ command: ["att-no-such-command-xyz"] }) });
    branchWith("missing-tool", "m.txt", "m\n");
    await call(ctx, "git.pr.create", { projectId, title: "Missing tool", head: "missing-tool" });
    const failed = await finishedRun(1);
    expect(failed.conclusion).toBe("failure");
    expect((await call(ctx, "git.actions.log", { projectId, runId: failed.id })).log).toContain("could not start");
    const failedEvent = ctx.outbox.after(0, 10).find((entry) => entry.event.type === "test.failed")?.event;
    expect(failedEvent?.payload).toMatchObject({ pr: 1, exitCode: null, conclusion: "failure" });

    commitFile(
      repo,
      ".att/ci.json",
      JSON.stringify({ command: [process.execPath, "-e", "setInterval(() => {}, 1000)"] }),
    );
    branchWith("long", "l.txt", "l\n");
    await call(ctx, "git.pr.create", { projectId, title: "Long", head: "long" });
    await waitFor(async () => {
      const { runs } = await call(ctx, "git.actions", { projectId, number: 2 });
      return runs[0]?.status === "in_progress" ? true : undefined;
    });
    await stopLocalCi();
    expect((await call(ctx, "git.actions", { projectId, number: 2 })).runs[0]).toMatchObject({
      status: "completed",
      conclusion: "cancelled",
    });
    expect(gitIn(repo, "worktree", "list").split("\n")).toHaveLength(1);
  });

  it("finds the test command: .att/ci.json, else npm test, else pytest, else none", async () => {
    await setUp({});
    const at = (files: Record<string, string>) => {
      for (const [file, content] of Object.entries(files)) commitFile(repo, file, content);
      return planCi(repo, gitIn(repo, "rev-parse", "HEAD"));
    };
    expect(await at({})).toBeNull();
    expect(await at({ "package.json": JSON.stringify({ scripts: { build: "tsc" } }) })).toBeNull();
    expect(await at({ "tests/test_app.py": "def test_ok():\n    pass\n" })).toMatchObject({
      argv: ["python", "-m", "pytest", "-q"],
    });
    expect(await at({ "package.json": JSON.stringify({ scripts: { test: "vitest" } }) })).toMatchObject({
      argv: ["npm", "test"],
    });
    expect(await at({ ".att/ci.json": JSON.stringify({ command: ["make", "check"], timeoutSeconds: 5 }) })).toEqual({
      kind: "command",
      name: "make check",
      argv: ["make", "check"],
      timeoutMs: 5000,
    });
    expect(await at({ ".att/ci.json": JSON.stringify({ command: "make check" }) })).toMatchObject({ kind: "invalid" });
  });

  it("runs no CI for a project without a test command", async () => {
    await setUp({});
    branchWith("docs", "docs.md", "words\n");
    const { pullRequest } = await call(ctx, "git.pr.create", { projectId, title: "Docs", head: "docs" });
    expect(pullRequest.ci).toBe("none");
    expect((await call(ctx, "git.actions", { projectId })).runs).toEqual([]);
  });

  it("closes runs a dead agent left in progress", async () => {
    await setUp({});
    const now = new Date().toISOString();
    ctx.db
      .insert(ciRuns)
      .values({
        id: "orphan",
        projectId,
        name: "npm test",
        status: "in_progress",
        runner: "dead-agent",
        createdAt: now,
        updatedAt: now,
      })
      .run();
    const { runs } = await call(ctx, "git.actions", { projectId });
    expect(runs).toMatchObject([{ id: "orphan", status: "completed", conclusion: "cancelled" }]);
  });

  it("defaults head to the current branch and base to main; refuses duplicates, same branches and unknown ones", async () => {
    await setUp({});
    gitIn(repo, "switch", "-q", "-c", "topic");
    commitFile(repo, "topic.txt", "t\n");
    const { pullRequest } = await call(ctx, "git.pr.create", { projectId, title: "Topic" });
    expect(pullRequest).toMatchObject({ head: "topic", base: "main", number: 1 });
    await expect(call(ctx, "git.pr.create", { projectId, title: "Again" })).rejects.toMatchObject({
      code: "conflict",
    });
    await expect(call(ctx, "git.pr.create", { projectId, title: "Self", head: "main" })).rejects.toMatchObject({
      code: "bad_request",
    });
    await expect(call(ctx, "git.pr.create", { projectId, title: "Ghost", head: "nope" })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(call(ctx, "git.pr.create", { projectId, title: "Ghost", base: "nope" })).rejects.toMatchObject({
      code: "not_found",
    });
    await expect(call(ctx, "git.pr.merge", { projectId, number: 7 })).rejects.toMatchObject({ code: "not_found" });
    expect(eventTypes()).toEqual(["git.pr.created"]);
  });

  it("refuses a conflicting merge and leaves nothing half-merged", async () => {
    await setUp({ "shared.txt": "base\n" });
    branchWith("theirs", "shared.txt", "theirs\n");
    const mainSha = commitFile(repo, "shared.txt", "ours\n");
    await call(ctx, "git.pr.create", { projectId, title: "Theirs", head: "theirs" });
    await expect(call(ctx, "git.pr.merge", { projectId, number: 1 })).rejects.toMatchObject({
      code: "conflict",
      details: { files: ["shared.txt"] },
    });
    expect(gitIn(repo, "rev-parse", "main")).toBe(mainSha);
    expect(gitIn(repo, "status", "--porcelain")).toBe("");
    expect(existsSync(path.join(repo, ".git", "MERGE_HEAD"))).toBe(false);
    expect(gitIn(repo, "worktree", "list").split("\n")).toHaveLength(1);
    expect((await call(ctx, "git.pr.list", { projectId })).pullRequests[0]?.state).toBe("open");
    expect(eventTypes()).not.toContain("git.pr.merged");
  });

  it("refuses to merge into a checked-out base with uncommitted changes", async () => {
    await setUp({});
    branchWith("feature", "feature.txt", "f\n");
    writeFileSync(path.join(repo, "README.md"), "edited, not committed\n");
    await call(ctx, "git.pr.create", { projectId, title: "Feature", head: "feature" });
    await expect(call(ctx, "git.pr.merge", { projectId, number: 1 })).rejects.toMatchObject({ code: "conflict" });
    expect(readFileSync(path.join(repo, "README.md"), "utf8")).toBe("edited, not committed\n");
  });

  it("squashes into a base that is not checked out, without touching the user's working tree", async () => {
    await setUp({});
    gitIn(repo, "switch", "-q", "-c", "work");
    commitFile(repo, "a.txt", "a\n");
    commitFile(repo, "b.txt", "b\n");
    const mainBefore = gitIn(repo, "rev-parse", "main");
    await call(ctx, "git.pr.create", { projectId, title: "Two files", head: "work" });
    writeFileSync(path.join(repo, "scratch.txt"), "untracked\n");
    const { pullRequest } = await call(ctx, "git.pr.merge", { projectId, number: 1, method: "squash" });
    const squash = pullRequest.mergeCommit ?? "";
    expect(gitIn(repo, "rev-parse", "main")).toBe(squash);
    expect(gitIn(repo, "rev-parse", `${squash}^`)).toBe(mainBefore);
    expect(gitIn(repo, "rev-list", "--count", `${mainBefore}..main`)).toBe("1");
    expect(gitIn(repo, "log", "-1", "--format=%s", "main")).toBe("Two files (#1)");
    expect(gitIn(repo, "ls-tree", "--name-only", "main").split("\n")).toEqual(["README.md", "a.txt", "b.txt"]);
    expect(gitIn(repo, "branch", "--show-current")).toBe("work");
    expect(readFileSync(path.join(repo, "scratch.txt"), "utf8")).toBe("untracked\n");
    await expect(call(ctx, "git.pr.merge", { projectId, number: 1 })).rejects.toMatchObject({ code: "conflict" });
  });

  it("rebases a pull request onto its base", async () => {
    await setUp({});
    branchWith("rebased", "r.txt", "r\n");
    commitFile(repo, "m.txt", "m\n");
    const mainBefore = gitIn(repo, "rev-parse", "main");
    await call(ctx, "git.pr.create", { projectId, title: "Rebase me", head: "rebased" });
    const { pullRequest } = await call(ctx, "git.pr.merge", { projectId, number: 1, method: "rebase" });
    expect(gitIn(repo, "rev-parse", `${pullRequest.mergeCommit ?? ""}^`)).toBe(mainBefore);
    expect(gitIn(repo, "rev-parse", "main")).toBe(pullRequest.mergeCommit);
    expect(readFileSync(path.join(repo, "r.txt"), "utf8")).toBe("r\n");
  });

  it("stores reviews, with file and line comments checked against the head", async () => {
    await setUp({});
    branchWith("reviewed", "code.py", "print('hi')\n");
    await call(ctx, "git.pr.create", { projectId, title: "Review me", head: "reviewed" });
    await call(ctx, "git.pr.review", { projectId, number: 1, body: "Looks fine", event: "approve" });
    const { review } = await call(ctx, "git.pr.review", {
      projectId,
      number: 1,
      body: "Quote style",
      path: "code.py",
      line: 1,
    });
    expect(review).toMatchObject({ state: "commented", path: "code.py", line: 1 });
    await expect(
      call(ctx, "git.pr.review", { projectId, number: 1, body: "x", path: "missing.py", line: 1 }),
    ).rejects.toMatchObject({ code: "bad_request" });
    const { reviews } = await call(ctx, "git.pr.reviews", { projectId, number: 1 });
    expect(reviews.map((r) => [r.state, r.body])).toEqual([
      ["approved", "Looks fine"],
      ["commented", "Quote style"],
    ]);
    await expect(call(ctx, "git.pr.reviews", { projectId, number: 2 })).rejects.toMatchObject({ code: "not_found" });
  });

  it("needs a token for the GitHub provider and a git repository for any", async () => {
    await setUp({});
    await expect(call(ctx, "git.pr.list", { projectId, provider: "github" })).rejects.toMatchObject({
      code: "precondition_failed",
      message: expect.stringContaining("GITHUB_TOKEN"),
    });
    makeRepo(ctx.config.projectsDir, "other");
    gitIn(path.join(ctx.config.projectsDir, "other"), "remote", "add", "origin", "https://github.com/octo/other.git");
    const other = (await ctx.catalog.list()).find((p) => p.name === "other");
    // a GitHub origin without a token stays local
    expect(await call(ctx, "git.pr.list", { projectId: other?.id ?? "" })).toEqual({ pullRequests: [] });
  });
});
