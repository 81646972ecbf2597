/** git.add and git.commit against real repositories: staging, identities, the commit event. */
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FALLBACK_IDENTITY } from "../src/operations/git/commit.ts";
import { createTestContext, type TestContext } from "./support/context.ts";
import { call, git, makeProject, write } from "./support/git-fixture.ts";

let context: TestContext;
beforeEach(() => {
  context = createTestContext();
});
afterEach(() => {
  context.dispose();
});

/** The events the operations queued, oldest first. */
function queuedEvents() {
  return context.outbox.after(0, 100).map((entry) => entry.event);
}

describe("git.commit", () => {
  it("makes the first commit of an empty repository and reports it as an event", async () => {
    const { projectId, dir } = await makeProject(context, "first");
    write(dir, "a.txt", "a\n");
    write(dir, "src/b.txt", "b\n");
    const result = await call(context, "git.commit", {
      projectId,
      message: "Initial commit\n\nWith a body.",
      paths: ["."],
    });

    expect(result.branch).toBe("main");
    expect(result.commit).toMatchObject({
      message: "Initial commit\n\nWith a body.",
      author: "Repo User",
      email: "repo@example.test",
    });
    expect(await git(dir, ["rev-parse", "HEAD"])).toBe(result.commit.sha);
    expect(await git(dir, ["status", "--porcelain"])).toBe("");
    const events = queuedEvents().filter((e) => e.type === "git.commit");
    expect(events).toHaveLength(1);
    expect(events[0]?.payload).toEqual({
      sha: result.commit.sha,
      branch: "main",
      message: "Initial commit\n\nWith a body.",
      files: ["a.txt", "src/b.txt"],
    });
    expect(context.wakes()).toBeGreaterThan(0);
  });

  it("refuses an empty or blank message before touching the repository", async () => {
    const { projectId, dir } = await makeProject(context, "blank", { commit: true });
    write(dir, "README.md", "changed\n");
    await git(dir, ["add", "."]);
    for (const message of ["", "  \n\t "]) {
      await expect(call(context, "git.commit", { projectId, message })).rejects.toMatchObject({
        code: "bad_request",
        message: "commit message is empty",
      });
    }
    expect(await git(dir, ["rev-list", "--count", "HEAD"])).toBe("1");
  });

  it("answers conflict with a hint when nothing is staged, even with unstaged edits", async () => {
    const { projectId, dir } = await makeProject(context, "nothing", { commit: true });
    write(dir, "README.md", "edited but not staged\n");
    const failure = call(context, "git.commit", { projectId, message: "empty" });
    await expect(failure).rejects.toMatchObject({
      code: "conflict",
      message: "nothing to commit",
      details: { hint: expect.stringContaining("git.add") },
    });
    expect(queuedEvents().filter((e) => e.type === "git.commit")).toEqual([]);
  });

  it("stages tracked changes with all: true, leaving untracked files alone", async () => {
    const { projectId, dir } = await makeProject(context, "all", { commit: true });
    write(dir, "README.md", "edited\n");
    write(dir, "new.txt", "untracked\n");
    const result = await call(context, "git.commit", { projectId, message: "edit", all: true });
    expect(await git(dir, ["show", "--name-only", "--format=", result.commit.sha])).toBe("README.md");
    expect(await git(dir, ["status", "--porcelain"])).toBe("?? new.txt");
  });

  it("uses the author from the params and keeps the configured committer", async () => {
    const { projectId, dir } = await makeProject(context, "author", { commit: true });
    write(dir, "x.txt", "x\n");
    const result = await call(context, "git.commit", {
      projectId,
      message: "by someone",
      paths: ["x.txt"],
      author: { name: "Ada Lovelace", email: "ada@example.test" },
    });
    expect(result.commit).toMatchObject({ author: "Ada Lovelace", email: "ada@example.test" });
    expect(await git(dir, ["log", "-1", "--format=%cn <%ce>"])).toBe("Repo User <repo@example.test>");
  });

  it("falls back to the agent's identity when no config names one, without writing any config", async () => {
    const { projectId, dir } = await makeProject(context, "anonymous");
    await git(dir, ["config", "--unset", "user.name"]);
    await git(dir, ["config", "--unset", "user.email"]);
    const home = mkdtempSync(path.join(os.tmpdir(), "att-empty-home-"));
    const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME };
    // An empty home hides the machine's ~/.gitconfig from the agent's git.
    process.env.HOME = home;
    process.env.XDG_CONFIG_HOME = path.join(home, ".config");
    try {
      write(dir, "x.txt", "x\n");
      const result = await call(context, "git.commit", { projectId, message: "anonymous", paths: ["x.txt"] });
      expect(result.commit).toMatchObject({ author: FALLBACK_IDENTITY.name, email: FALLBACK_IDENTITY.email });
      expect(await git(dir, ["log", "-1", "--format=%cn <%ce>"])).toBe("ATT Agent <att@localhost>");
      expect(await git(dir, ["config", "--local", "--list"])).not.toMatch(/user\./);
    } finally {
      process.env.HOME = saved.HOME;
      if (saved.XDG_CONFIG_HOME === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved.XDG_CONFIG_HOME;
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("reports unresolved merge conflicts as a conflict with git's words", async () => {
    const { projectId, dir } = await makeProject(context, "unmerged", { commit: true });
    await git(dir, ["switch", "-q", "-c", "other"]);
    write(dir, "README.md", "theirs\n");
    await git(dir, ["commit", "-q", "-am", "theirs"]);
    await git(dir, ["switch", "-q", "main"]);
    write(dir, "README.md", "ours\n");
    await git(dir, ["commit", "-q", "-am", "ours"]);
    await expect(git(dir, ["merge", "other"])).rejects.toThrow();
    write(dir, "extra.txt", "x\n");
    await git(dir, ["add", "extra.txt"]);
    await expect(call(context, "git.commit", { projectId, message: "merge" })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringMatching(/unmerged/i),
    });
  });
});

describe("git.add", () => {
  it("stages new, changed and deleted files under the given paths and lists what is staged", async () => {
    const { projectId, dir } = await makeProject(context, "add", { commit: true });
    write(dir, "docs/one.md", "1\n");
    write(dir, "docs/two [draft].md", "2\n");
    write(dir, "other.txt", "not this\n");
    rmSync(path.join(dir, "README.md"));
    const result = await call(context, "git.add", { projectId, paths: ["docs", "README.md"] });
    expect(result.staged).toEqual(["README.md", "docs/one.md", "docs/two [draft].md"]);
    expect(await git(dir, ["status", "--porcelain"])).toContain("?? other.txt");
  });

  it("stages everything with ['.']", async () => {
    const { projectId, dir } = await makeProject(context, "everything", { commit: true });
    write(dir, "a.txt", "a\n");
    write(dir, "deep/b.txt", "b\n");
    const result = await call(context, "git.add", { projectId, paths: ["."] });
    expect(result.staged).toEqual(["a.txt", "deep/b.txt"]);
  });

  it("stages a symlink as a link, not its target", async () => {
    const { projectId, dir } = await makeProject(context, "link", { commit: true });
    symlinkSync("README.md", path.join(dir, "alias.md"));
    const result = await call(context, "git.add", { projectId, paths: ["alias.md"] });
    expect(result.staged).toEqual(["alias.md"]);
    expect(await git(dir, ["ls-files", "-s", "alias.md"])).toMatch(/^120000 /);
  });

  it("refuses paths outside the project", async () => {
    const { projectId, dir } = await makeProject(context, "jail", { commit: true });
    symlinkSync(os.tmpdir(), path.join(dir, "escape"));
    for (const outside of ["../other", "/etc/passwd", "escape/x.txt"]) {
      await expect(call(context, "git.add", { projectId, paths: [outside] })).rejects.toMatchObject({
        code: "forbidden",
      });
    }
  });

  it("answers not_found for a path matching nothing", async () => {
    const { projectId } = await makeProject(context, "missing", { commit: true });
    await expect(call(context, "git.add", { projectId, paths: ["no-such-file.txt"] })).rejects.toMatchObject({
      code: "not_found",
      message: expect.stringContaining("did not match any files"),
    });
  });
});
