/** git.status against real repositories: every kind of change, upstreams, detached HEADs, conflicts. */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseStatus } from "../src/operations/git/status.ts";
import { createTestContext, type TestContext } from "./support/context.ts";
import { call, git, makeBareRemote, makeProject, write } from "./support/git-fixture.ts";

let context: TestContext;
beforeEach(() => {
  context = createTestContext();
});
afterEach(() => {
  context.dispose();
});

describe("git.status", () => {
  it("reports a fresh repository without commits as clean on its unborn branch", async () => {
    const { projectId } = await makeProject(context, "fresh");
    expect(await call(context, "git.status", { projectId })).toEqual({
      branch: "main",
      upstream: null,
      ahead: 0,
      behind: 0,
      staged: [],
      unstaged: [],
      untracked: [],
      conflicted: [],
      clean: true,
    });
  });

  it("separates staged, unstaged and untracked changes, including renames, deletions and spaces", async () => {
    const { projectId, dir } = await makeProject(context, "changes", { commit: true });
    write(dir, "old name.txt", "rename me\n");
    write(dir, "gone.txt", "delete me\n");
    await git(dir, ["add", "."]);
    await git(dir, ["commit", "-q", "-m", "more"]);
    await git(dir, ["mv", "old name.txt", "new name.txt"]);
    write(dir, "added.txt", "new\n");
    await git(dir, ["add", "added.txt"]);
    write(dir, "added.txt", "new, then edited\n");
    rmSync(path.join(dir, "gone.txt"));
    write(dir, "README.md", "# edited\n");
    write(dir, "notes/todo.md", "untracked\n");

    const status = await call(context, "git.status", { projectId });
    expect(status.branch).toBe("main");
    expect(status.clean).toBe(false);
    expect(status.staged).toEqual(
      expect.arrayContaining([
        { path: "added.txt", status: "added" },
        { path: "new name.txt", status: "renamed" },
      ]),
    );
    expect(status.staged).toHaveLength(2);
    expect(status.unstaged).toEqual(
      expect.arrayContaining([
        { path: "README.md", status: "modified" },
        { path: "added.txt", status: "modified" },
        { path: "gone.txt", status: "deleted" },
      ]),
    );
    expect(status.unstaged).toHaveLength(3);
    expect(status.untracked).toEqual(["notes/"]);
    expect(status.conflicted).toEqual([]);
  });

  it("lists conflicted paths during a failed merge", async () => {
    const { projectId, dir } = await makeProject(context, "conflict", { commit: true });
    await git(dir, ["switch", "-q", "-c", "other"]);
    write(dir, "README.md", "theirs\n");
    await git(dir, ["commit", "-q", "-am", "theirs"]);
    await git(dir, ["switch", "-q", "main"]);
    write(dir, "README.md", "ours\n");
    await git(dir, ["commit", "-q", "-am", "ours"]);
    await expect(git(dir, ["merge", "other"])).rejects.toThrow();

    const status = await call(context, "git.status", { projectId });
    expect(status.conflicted).toEqual(["README.md"]);
    expect(status.staged).toEqual([]);
    expect(status.clean).toBe(false);
  });

  it("gives a null branch on a detached HEAD", async () => {
    const { projectId, dir } = await makeProject(context, "detached", { commit: true });
    await git(dir, ["switch", "-q", "--detach", "HEAD"]);
    const status = await call(context, "git.status", { projectId });
    expect(status.branch).toBeNull();
    expect(status.clean).toBe(true);
  });

  it("counts commits ahead of and behind the upstream", async () => {
    const { projectId, dir } = await makeProject(context, "tracking", { commit: true });
    const remote = await makeBareRemote(context, "remote");
    await git(dir, ["remote", "add", "origin", remote]);
    await git(dir, ["push", "-q", "-u", "origin", "main"]);
    // The remote moves on by two commits from another clone; we add one of our own.
    const other = path.join(context.dir, "other");
    await git(context.dir, ["clone", "-q", remote, other]);
    for (const n of [1, 2]) {
      write(other, `remote-${n}.txt`, `${n}\n`);
      await git(other, ["add", "."]);
      await git(other, ["commit", "-q", "-m", `remote ${n}`]);
    }
    await git(other, ["push", "-q", "origin", "main"]);
    await git(dir, ["fetch", "-q", "origin"]);
    write(dir, "local.txt", "mine\n");
    await git(dir, ["add", "."]);
    await git(dir, ["commit", "-q", "-m", "local"]);

    const status = await call(context, "git.status", { projectId });
    expect(status).toMatchObject({ branch: "main", upstream: "origin/main", ahead: 1, behind: 2, clean: true });
  });

  it("ignores ambient variables that would point git at another repository", async () => {
    const { projectId } = await makeProject(context, "mine", { commit: true });
    const other = await makeProject(context, "decoy");
    write(other.dir, "decoy.txt", "x\n");
    const saved = process.env.GIT_DIR;
    process.env.GIT_DIR = path.join(other.dir, ".git");
    try {
      const status = await call(context, "git.status", { projectId });
      expect(status).toMatchObject({ branch: "main", untracked: [], clean: true });
    } finally {
      if (saved === undefined) delete process.env.GIT_DIR;
      else process.env.GIT_DIR = saved;
    }
  });

  it("refuses a project that is not a git repository, saying what to do", async () => {
    const { projectId, dir } = await makeProject(context, "plain", { init: false });
    write(dir, "file.txt", "x\n");
    await expect(call(context, "git.status", { projectId })).rejects.toMatchObject({
      code: "precondition_failed",
      message: expect.stringMatching(/not a git repository: run `git init`/),
    });
  });
});

describe("parseStatus", () => {
  it("reads porcelain v2 entries whose paths contain spaces, and skips a rename's original path", () => {
    const output = [
      "# branch.oid 1111111111111111111111111111111111111111",
      "# branch.head feature/x y",
      "# branch.upstream origin/feature/x y",
      "# branch.ab +3 -0",
      "1 .M N... 100644 100644 100644 aaaaaaa aaaaaaa a b.txt",
      "2 R. N... 100644 100644 100644 aaaaaaa aaaaaaa R100 new path.txt",
      "old path.txt",
      "u UU N... 100644 100644 100644 100644 aaaaaaa bbbbbbb ccccccc both changed.txt",
      "? untracked file",
      "! ignored.txt",
      "",
    ].join("\0");
    expect(parseStatus(output)).toEqual({
      branch: "feature/x y",
      upstream: "origin/feature/x y",
      ahead: 3,
      behind: 0,
      staged: [{ path: "new path.txt", status: "renamed" }],
      unstaged: [{ path: "a b.txt", status: "modified" }],
      untracked: ["untracked file"],
      conflicted: ["both changed.txt"],
      clean: false,
    });
  });
});
