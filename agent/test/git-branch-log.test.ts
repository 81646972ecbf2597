/** git.branch.* and git.log against real repositories. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseCommits } from "../src/operations/git/commits.ts";
import { createTestContext, type TestContext } from "./support/context.ts";
import { call, git, makeBareRemote, makeProject, write } from "./support/git-fixture.ts";

let context: TestContext;
beforeEach(() => {
  context = createTestContext();
});
afterEach(() => {
  context.dispose();
});

async function commitFile(dir: string, file: string, content: string, message: string): Promise<string> {
  write(dir, file, content);
  await git(dir, ["add", file]);
  await git(dir, ["commit", "-q", "-m", message]);
  return git(dir, ["rev-parse", "HEAD"]);
}

describe("git.branch", () => {
  it("creates a branch with slashes, switches to it, and lists it as current", async () => {
    const { projectId, dir } = await makeProject(context, "create", { commit: true });
    const head = await git(dir, ["rev-parse", "HEAD"]);
    const created = await call(context, "git.branch.create", { projectId, name: "feature/login-form" });
    expect(created.branch).toEqual({ name: "feature/login-form", current: true, sha: head, upstream: null });
    expect(await git(dir, ["branch", "--show-current"])).toBe("feature/login-form");

    const list = await call(context, "git.branch.list", { projectId });
    expect(list.current).toBe("feature/login-form");
    expect(list.branches.map((b) => [b.name, b.current])).toEqual([
      ["feature/login-form", true],
      ["main", false],
    ]);
  });

  it("creates without switching from a given start point", async () => {
    const { projectId, dir } = await makeProject(context, "from", { commit: true });
    const first = await git(dir, ["rev-parse", "HEAD"]);
    await commitFile(dir, "b.txt", "b\n", "second");
    const created = await call(context, "git.branch.create", { projectId, name: "old", from: first, switch: false });
    expect(created.branch).toMatchObject({ name: "old", sha: first, current: false });
    expect(await git(dir, ["branch", "--show-current"])).toBe("main");
  });

  it("refuses a duplicate name and an unknown start point", async () => {
    const { projectId, dir } = await makeProject(context, "refuse", { commit: true });
    await git(dir, ["branch", "taken"]);
    await expect(call(context, "git.branch.create", { projectId, name: "taken" })).rejects.toMatchObject({
      code: "conflict",
      message: "branch 'taken' already exists",
    });
    await expect(
      call(context, "git.branch.create", { projectId, name: "new", from: "no-such-ref" }),
    ).rejects.toMatchObject({ code: "not_found" });
    expect(await git(dir, ["branch", "--list", "new"])).toBe("");
  });

  it("refuses a name that clashes with an existing branch's directory", async () => {
    const { projectId } = await makeProject(context, "clash", { commit: true });
    await call(context, "git.branch.create", { projectId, name: "feature", switch: false });
    await expect(call(context, "git.branch.create", { projectId, name: "feature/x" })).rejects.toMatchObject({
      code: "conflict",
    });
  });

  it("rejects invalid names at the schema", async () => {
    const { projectId } = await makeProject(context, "names", { commit: true });
    for (const name of ["-rf", "a..b", "with space", "trailing/", "x.lock"]) {
      await expect(call(context, "git.branch.create", { projectId, name })).rejects.toThrow();
    }
  });

  it("switches between branches and answers not_found for an unknown one", async () => {
    const { projectId, dir } = await makeProject(context, "switch", { commit: true });
    await git(dir, ["branch", "release/1.0"]);
    const switched = await call(context, "git.branch.switch", { projectId, name: "release/1.0" });
    expect(switched.branch).toMatchObject({ name: "release/1.0", current: true });
    expect(await git(dir, ["branch", "--show-current"])).toBe("release/1.0");
    await expect(call(context, "git.branch.switch", { projectId, name: "nope" })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("refuses to switch over conflicting local changes, quoting git, and creates nothing", async () => {
    const { projectId, dir } = await makeProject(context, "dirty", { commit: true });
    await git(dir, ["switch", "-q", "-c", "other"]);
    await commitFile(dir, "README.md", "other version\n", "other");
    await git(dir, ["switch", "-q", "main"]);
    write(dir, "README.md", "uncommitted local edit\n");

    await expect(call(context, "git.branch.switch", { projectId, name: "other" })).rejects.toMatchObject({
      code: "conflict",
      message: expect.stringContaining("would be overwritten"),
    });
    await expect(
      call(context, "git.branch.create", { projectId, name: "from-other", from: "other" }),
    ).rejects.toMatchObject({ code: "conflict", message: expect.stringContaining("would be overwritten") });
    expect(await git(dir, ["branch", "--list", "from-other"])).toBe("");
    expect(await git(dir, ["branch", "--show-current"])).toBe("main");
  });

  it("shows upstreams, and an empty list before the first commit", async () => {
    const { projectId, dir } = await makeProject(context, "upstream", { commit: true });
    const remote = await makeBareRemote(context, "upstream-remote");
    await git(dir, ["remote", "add", "origin", remote]);
    await git(dir, ["push", "-q", "-u", "origin", "main"]);
    const list = await call(context, "git.branch.list", { projectId });
    expect(list.branches).toEqual([expect.objectContaining({ name: "main", upstream: "origin/main" })]);

    const empty = await makeProject(context, "unborn");
    expect(await call(context, "git.branch.list", { projectId: empty.projectId })).toEqual({
      current: "main",
      branches: [],
    });
    await expect(call(context, "git.branch.create", { projectId: empty.projectId, name: "x" })).rejects.toMatchObject({
      code: "precondition_failed",
    });
  });
});

describe("git.log", () => {
  it("returns the newest commits first, limited, for a ref and a path", async () => {
    const { projectId, dir } = await makeProject(context, "log", { commit: true });
    const a = await commitFile(dir, "src/a.txt", "a\n", "add a");
    const b = await commitFile(dir, "src/b.txt", "b\n", "add b\n\nwith a body");
    await git(dir, ["switch", "-q", "-c", "side"]);
    const side = await commitFile(dir, "side.txt", "s\n", "on side");
    await git(dir, ["switch", "-q", "main"]);

    const all = await call(context, "git.log", { projectId });
    expect(all.commits.map((c) => c.message)).toEqual(["add b\n\nwith a body", "add a", "first"]);
    expect(all.commits[0]).toMatchObject({ sha: b, author: "Test Author", email: "author@example.test" });
    expect(Date.parse(all.commits[0]?.date ?? "")).toBeGreaterThan(Date.now() - 600_000);

    expect((await call(context, "git.log", { projectId, limit: 1 })).commits.map((c) => c.sha)).toEqual([b]);
    expect((await call(context, "git.log", { projectId, ref: "side", limit: 2 })).commits.map((c) => c.sha)).toEqual([
      side,
      b,
    ]);
    expect((await call(context, "git.log", { projectId, path: "src/a.txt" })).commits.map((c) => c.sha)).toEqual([a]);
  });

  it("gives an empty history for a repository without commits", async () => {
    const { projectId } = await makeProject(context, "empty-log");
    expect(await call(context, "git.log", { projectId })).toEqual({ commits: [] });
  });

  it("answers not_found for an unknown ref and forbidden for a path outside the project", async () => {
    const { projectId } = await makeProject(context, "bad-log", { commit: true });
    await expect(call(context, "git.log", { projectId, ref: "nope" })).rejects.toMatchObject({ code: "not_found" });
    await expect(call(context, "git.log", { projectId, path: "../elsewhere" })).rejects.toMatchObject({
      code: "forbidden",
    });
  });
});

describe("parseCommits", () => {
  it("keeps messages containing newlines and field-like text intact", () => {
    const record = (sha: string, message: string) =>
      [sha, "A B", "a@b.c", "2026-01-02T03:04:05+02:00", `${message}\n`].join("\0");
    const output = `${record("a".repeat(40), "one\n\ntwo | three")}\0${record("b".repeat(40), "x")}\0`;
    expect(parseCommits(output)).toEqual([
      {
        sha: "a".repeat(40),
        author: "A B",
        email: "a@b.c",
        date: "2026-01-02T01:04:05.000Z",
        message: "one\n\ntwo | three",
      },
      { sha: "b".repeat(40), author: "A B", email: "a@b.c", date: "2026-01-02T01:04:05.000Z", message: "x" },
    ]);
  });
});
