/** The GitHub provider against a stand-in GitHub server speaking GitHub's REST shapes. */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parseGitHubRemote } from "../src/operations/git/pr/github/remote.ts";
import { StandInGitHub } from "./git-pr-github-server.ts";
import { call, commitFile, gitIn, makeRepo } from "./git-pr-helpers.ts";
import { createTestContext, type TestContext } from "./support/context.ts";

const TOKEN = "gh-test-token-0123456789";

let github: StandInGitHub;
let ctx: TestContext;
let projectId: string;
let headSha: string;

async function projectIn(context: TestContext): Promise<string> {
  const repo = makeRepo(context.config.projectsDir, "demo");
  gitIn(repo, "remote", "add", "origin", "git@github.com:octo/demo.git");
  gitIn(repo, "switch", "-q", "-c", "feature");
  headSha = commitFile(repo, "feature.txt", "f\n");
  const project = (await context.catalog.list()).find((p) => p.name === "demo");
  return project?.id ?? "";
}

beforeAll(async () => {
  github = await StandInGitHub.start(TOKEN);
});
afterAll(async () => {
  await github.close();
});
beforeEach(async () => {
  github.pulls.length = 0;
  github.runs.length = 0;
  github.requests.length = 0;
  ctx = createTestContext({ GITHUB_TOKEN: TOKEN, ATT_GITHUB_API_URL: github.url });
  projectId = await projectIn(ctx);
});
afterEach(() => {
  ctx.dispose();
});

describe("GitHub provider (stand-in GitHub server)", () => {
  it("creates a PR from the current branch into GitHub's default branch, lists it with its CI, and merges it", async () => {
    const { pullRequest } = await call(ctx, "git.pr.create", { projectId, title: "Feature", body: "Adds it." });
    expect(pullRequest).toMatchObject({
      number: 1,
      provider: "github",
      head: "feature",
      base: "main",
      body: "Adds it.",
      url: "https://github.com/octo/demo/pull/1",
    });
    expect(github.requests.find((r) => r.method === "POST")?.body).toEqual({
      title: "Feature",
      body: "Adds it.",
      head: "feature",
      base: "main",
    });
    expect(github.requests.every((r) => r.authorization === `token ${TOKEN}`)).toBe(true);

    github.addRun({ branch: "feature", headSha: pullRequest.headSha ?? "", status: "in_progress", conclusion: null });
    const listed = await call(ctx, "git.pr.list", { projectId });
    expect(listed.pullRequests).toMatchObject([{ number: 1, state: "open", ci: "running" }]);

    const merged = await call(ctx, "git.pr.merge", { projectId, number: 1, method: "squash" });
    expect(merged.pullRequest).toMatchObject({ state: "merged", mergeCommit: "d".repeat(40) });
    expect(github.requests.find((r) => r.method === "PUT")?.body).toMatchObject({ merge_method: "squash" });
    expect((await call(ctx, "git.pr.list", { projectId, state: "merged" })).pullRequests).toHaveLength(1);
    expect((await call(ctx, "git.pr.list", { projectId, state: "closed" })).pullRequests).toHaveLength(0);
    const events = ctx.outbox.after(0, 10).map((e) => [e.event.type, e.event.payload.provider]);
    expect(events).toEqual([
      ["git.pr.created", "github"],
      ["git.pr.merged", "github"],
    ]);
  });

  it("turns GitHub's 'not mergeable' into a conflict carrying GitHub's message", async () => {
    github.addPull({ head: "feature", headSha, mergeable: false });
    await expect(call(ctx, "git.pr.merge", { projectId, number: 1 })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("Pull Request is not mergeable"),
    });
    await expect(call(ctx, "git.pr.merge", { projectId, number: 9 })).rejects.toMatchObject({ code: "not_found" });
  });

  it("creates reviews with line comments and lists reviews and comments together", async () => {
    github.addPull({ head: "feature", headSha });
    await call(ctx, "git.pr.review", { projectId, number: 1, event: "approve", body: "Ship it" });
    const { review } = await call(ctx, "git.pr.review", {
      projectId,
      number: 1,
      body: "Typo",
      path: "feature.txt",
      line: 1,
    });
    expect(review).toMatchObject({ author: "octocat", state: "commented", path: "feature.txt", line: 1 });
    expect(github.requests.filter((r) => r.method === "POST").at(-1)?.body).toEqual({
      event: "COMMENT",
      comments: [{ path: "feature.txt", line: 1, body: "Typo" }],
    });
    const { reviews } = await call(ctx, "git.pr.reviews", { projectId, number: 1 });
    expect(reviews.map((r) => [r.state, r.body, r.path])).toEqual([
      ["approved", "Ship it", null],
      ["commented", "Typo", "feature.txt"],
    ]);
    await expect(call(ctx, "git.pr.review", { projectId, number: 1, body: "x", path: "a.txt" })).rejects.toMatchObject({
      code: "bad_request",
    });
  });

  it("lists workflow runs for a branch or a PR's head and reads a run's zipped logs", async () => {
    github.addPull({ head: "feature", headSha });
    const run = github.addRun({
      branch: "feature",
      headSha,
      status: "completed",
      conclusion: "failure",
      logs: { "0_build.txt": "step one\nstep two failed\n", "build/1_Set up job.txt": "setting up\n" },
    });
    github.addRun({ branch: "other", headSha: "e".repeat(40), status: "queued", conclusion: null });
    const byBranch = await call(ctx, "git.actions", { projectId, branch: "feature" });
    expect(byBranch.runs).toMatchObject([{ id: String(run.id), status: "completed", conclusion: "failure", headSha }]);
    const byPr = await call(ctx, "git.actions", { projectId, number: 1 });
    expect(byPr.runs.map((r) => r.id)).toEqual([String(run.id)]);
    expect(
      github.requests
        .filter((r) => r.path.endsWith("/actions/runs"))
        .at(-1)
        ?.query.get("head_sha"),
    ).toBe(headSha);

    const { log, truncated } = await call(ctx, "git.actions.log", { projectId, runId: String(run.id) });
    expect(log).toContain("=== 0_build.txt ===\nstep one\nstep two failed");
    expect(log).toContain("=== build/1_Set up job.txt ===\nsetting up");
    expect(truncated).toBe(false);
    await expect(call(ctx, "git.actions.log", { projectId, runId: "424242" })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("truncates a huge log archive and says so", async () => {
    const run = github.addRun({
      branch: "feature",
      headSha,
      status: "completed",
      conclusion: "success",
      logs: { "big.txt": "x".repeat(600 * 1024) },
    });
    const { log, truncated } = await call(ctx, "git.actions.log", { projectId, runId: String(run.id) });
    expect(truncated).toBe(true);
    expect(Buffer.byteLength(log)).toBeLessThanOrEqual(256 * 1024);
    expect(log.startsWith("=== big.txt ===\nxxx")).toBe(true);
  });

  it("reports a refused token as upstream_error naming the repository, without the token", async () => {
    const wrong = createTestContext({ GITHUB_TOKEN: "wrong-token", ATT_GITHUB_API_URL: github.url });
    try {
      const id = await projectIn(wrong);
      const failure = await call(wrong, "git.pr.list", { projectId: id }).catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: "upstream_error", message: expect.stringContaining("octo/demo") });
      expect(String((failure as Error).message)).not.toContain("wrong-token");
    } finally {
      wrong.dispose();
    }
  });

  it("reports an unreachable API as upstream_error, and the local provider still answers when asked for", async () => {
    const offline = createTestContext({ GITHUB_TOKEN: TOKEN, ATT_GITHUB_API_URL: "http://127.0.0.1:1" });
    try {
      const id = await projectIn(offline);
      await expect(call(offline, "git.pr.list", { projectId: id })).rejects.toMatchObject({ code: "upstream_error" });
      expect(await call(offline, "git.pr.list", { projectId: id, provider: "local" })).toEqual({ pullRequests: [] });
    } finally {
      offline.dispose();
    }
  });
});

describe("parseGitHubRemote", () => {
  it("recognises https, ssh and scp-like GitHub origins and nothing else", () => {
    const demo = { owner: "octo", repo: "demo" };
    expect(parseGitHubRemote("https://github.com/octo/demo.git")).toEqual(demo);
    expect(parseGitHubRemote("https://user:secret@github.com/octo/demo")).toEqual(demo);
    expect(parseGitHubRemote("git@github.com:octo/demo.git")).toEqual(demo);
    expect(parseGitHubRemote("ssh://git@github.com/octo/demo.git")).toEqual(demo);
    expect(parseGitHubRemote("https://gitlab.com/octo/demo.git")).toBeNull();
    expect(parseGitHubRemote("https://github.com.evil.example/octo/demo.git")).toBeNull();
    expect(parseGitHubRemote("https://github.com/octo")).toBeNull();
    expect(parseGitHubRemote(null)).toBeNull();
  });
});
