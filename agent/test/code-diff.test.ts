/** code.diff against real git repositories: work tree, index, refs, paths, empty repos, limits. */
import { execFileSync } from "node:child_process";
import path from "node:path";
import { MAX_DIFF_BYTES } from "@att/shared";
import { afterEach, describe, expect, it } from "vitest";
import { type CodeProject, createCodeProject } from "./support/code-project.ts";

let project: CodeProject | undefined;
afterEach(() => {
  project?.dispose();
});

/** A repository with one commit holding a.txt, old.txt and img.bin. */
async function committed(): Promise<CodeProject> {
  project = await createCodeProject({ git: true });
  project.files({
    "a.txt": "one\ntwo\nthree\n",
    "old.txt": "a long enough file to be detected as renamed\nline two\nline three\n",
    "img.bin": Buffer.from([0, 1, 2, 3]),
  });
  project.git("add", ".");
  project.git("commit", "-q", "-m", "first");
  return project;
}

describe("code.diff", () => {
  it("diffs the work tree against HEAD by default", async () => {
    const p = await committed();
    p.files({ "a.txt": "one\n2\nthree\n", "img.bin": Buffer.from([0, 9, 9]) });
    const result = await p.diff();
    expect(result.truncated).toBe(false);
    expect(result.diff).toContain("diff --git a/a.txt b/a.txt");
    expect(result.diff).toContain("-two\n+2\n");
    expect(result.files).toEqual([
      { path: "a.txt", oldPath: null, status: "modified", additions: 1, deletions: 1, binary: false },
      { path: "img.bin", oldPath: null, status: "modified", additions: 0, deletions: 0, binary: true },
    ]);
  });

  it("diffs the index with staged, and honours context", async () => {
    const p = await committed();
    p.files({ "a.txt": "one\n2\nthree\n" });
    expect((await p.diff({ staged: true })).files).toEqual([]);
    p.git("add", "a.txt");
    const staged = await p.diff({ staged: true, context: 0 });
    expect(staged.files.map((f) => f.path)).toEqual(["a.txt"]);
    expect(staged.diff).toContain("@@ -2 +2 @@");
    expect(staged.diff).not.toContain("\n one\n");
  });

  it("diffs between refs, with renames, additions and deletions", async () => {
    const p = await committed();
    p.git("tag", "v1");
    p.git("mv", "old.txt", "new.txt");
    p.git("rm", "-q", "img.bin");
    p.files({ "added.txt": "hi\n" });
    p.git("add", "added.txt");
    p.git("commit", "-q", "-m", "second");
    p.git("tag", "v2");
    const result = await p.diff({ from: "v1", to: "v2" });
    expect(result.files).toEqual([
      { path: "added.txt", oldPath: null, status: "added", additions: 1, deletions: 0, binary: false },
      { path: "img.bin", oldPath: null, status: "deleted", additions: 0, deletions: 0, binary: true },
      { path: "new.txt", oldPath: "old.txt", status: "renamed", additions: 0, deletions: 0, binary: false },
    ]);
    expect(result.diff).toContain("rename from old.txt");
  });

  it("limits to a path", async () => {
    const p = await committed();
    p.files({ "a.txt": "changed\n", "old.txt": "changed\n" });
    const result = await p.diff({ path: "a.txt" });
    expect(result.files.map((f) => f.path)).toEqual(["a.txt"]);
    expect(result.diff).not.toContain("old.txt");
  });

  it("names an unknown ref", async () => {
    const p = await committed();
    await expect(p.diff({ from: "no-such-branch" })).rejects.toMatchObject({
      code: "not_found",
      message: expect.stringContaining("'no-such-branch'"),
    });
    await expect(p.diff({ to: "deadbeef" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("refuses staged together with to, and paths outside the project", async () => {
    const p = await committed();
    await expect(p.diff({ staged: true, to: "HEAD" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(p.diff({ path: "../other" })).rejects.toMatchObject({ code: "forbidden" });
  });

  it("diffs an empty repository against the empty tree", async () => {
    project = await createCodeProject({ git: true });
    project.files({ "first.txt": "hello\n" });
    project.git("add", "first.txt");
    const result = await project.diff({ staged: true });
    expect(result.files).toEqual([
      { path: "first.txt", oldPath: null, status: "added", additions: 1, deletions: 0, binary: false },
    ]);
    expect(result.diff).toContain("+hello");
  });

  it("is a precondition failure outside a git repository", async () => {
    project = await createCodeProject();
    await expect(project.diff()).rejects.toMatchObject({ code: "precondition_failed" });
  });

  it("is a precondition failure in a plain directory inside someone else's repository", async () => {
    project = await createCodeProject();
    execFileSync("git", ["init", "-q", path.dirname(project.root)]);
    await expect(project.diff()).rejects.toMatchObject({ code: "precondition_failed" });
  });

  it("cuts a large diff at a line boundary and says so", async () => {
    const p = await committed();
    const line = `${"z".repeat(99)}\n`;
    p.files({ "huge.txt": line.repeat(Math.ceil((MAX_DIFF_BYTES * 2) / line.length)) });
    p.git("add", "huge.txt");
    const result = await p.diff({ staged: true });
    expect(result.truncated).toBe(true);
    expect(Buffer.byteLength(result.diff)).toBeLessThanOrEqual(MAX_DIFF_BYTES);
    expect(Buffer.byteLength(result.diff)).toBeGreaterThan(MAX_DIFF_BYTES - line.length - 2);
    expect(result.diff.endsWith("\n")).toBe(true);
    expect(result.files).toEqual([
      { path: "huge.txt", oldPath: null, status: "added", additions: expect.any(Number), deletions: 0, binary: false },
    ]);
  });
});
