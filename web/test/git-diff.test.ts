/**
 * The diff viewer's parser and side-by-side layout, fed with what real git
 * prints (`git diff --no-color --find-renames`, as code.diff runs it) in a
 * temporary repository: modified, added, deleted, renamed, binary, mode-only,
 * quoted non-ASCII names, names with spaces and "\ No newline" markers.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { displayPath, type ParsedDiffFile, parseUnifiedDiff, renderedLines, unquote } from "../src/lib/git/diff.ts";
import { sideBySideRows, splitRows, unifiedRows } from "../src/lib/git/layout.ts";

let dir: string;
let files: ParsedDiffFile[];

const git = (...args: string[]) =>
  execFileSync("git", ["-c", "user.name=T", "-c", "user.email=t@localhost", ...args], { cwd: dir, encoding: "utf8" });
const write = (name: string, content: string | Buffer) => writeFileSync(path.join(dir, name), content);
const byPath = (name: string) => {
  const file = files.find((f) => displayPath(f) === name);
  if (file === undefined) throw new Error(`no ${name} in ${files.map(displayPath).join(", ")}`);
  return file;
};

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "att-web-diff-"));
  git("init", "--quiet", "--initial-branch=main");
  write("a.txt", "one\ntwo\nthree\n");
  write("old name.txt", "keep\nme\nhere\nplease\n");
  write("del.txt", "gone\n");
  write("b.bin", Buffer.from([0, 1, 2, 3]));
  write("noeol.txt", "x");
  write("é.txt", "é\n");
  write("mode.sh", "echo hi\n");
  git("add", "--all");
  git("commit", "--quiet", "-m", "init");

  write("a.txt", "one\nTWO\nthree\nfour\n");
  git("mv", "old name.txt", "new name.txt");
  write("new name.txt", "keep\nme\nhere\nplease!\n");
  git("rm", "--quiet", "del.txt");
  write("b.bin", Buffer.from([0, 1, 2, 4]));
  write("noeol.txt", "y");
  write("added.txt", "new\n");
  write("é.txt", "è\n");
  chmodSync(path.join(dir, "mode.sh"), 0o755);
  git("add", "--all");
  files = parseUnifiedDiff(git("diff", "--no-color", "--find-renames", "--cached", "HEAD"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parseUnifiedDiff", () => {
  it("finds one entry per changed file", () => {
    expect(files.map(displayPath).sort()).toEqual(
      ["a.txt", "added.txt", "b.bin", "del.txt", "mode.sh", "new name.txt", "noeol.txt", "é.txt"].sort(),
    );
  });

  it("numbers modified lines on both sides and counts them", () => {
    const file = byPath("a.txt");
    expect(file).toMatchObject({ status: "modified", oldPath: "a.txt", newPath: "a.txt", additions: 2, deletions: 1 });
    const [hunk] = file.hunks;
    expect(hunk).toMatchObject({ oldStart: 1, oldLines: 3, newStart: 1, newLines: 4 });
    expect(hunk?.lines.map((l) => [l.kind, l.text, l.oldNo, l.newNo])).toEqual([
      ["context", "one", 1, 1],
      ["del", "two", 2, null],
      ["add", "TWO", null, 2],
      ["context", "three", 3, 3],
      ["add", "four", null, 4],
    ]);
  });

  it("reads added and deleted files with /dev/null sides", () => {
    expect(byPath("added.txt")).toMatchObject({ status: "added", oldPath: null, newMode: "100644", additions: 1 });
    expect(byPath("del.txt")).toMatchObject({ status: "deleted", newPath: null, oldPath: "del.txt", deletions: 1 });
    expect(byPath("del.txt").hunks[0]?.lines[0]).toMatchObject({ kind: "del", text: "gone", oldNo: 1 });
  });

  it("reads a rename of a name with spaces, with its similarity and content change", () => {
    const file = byPath("new name.txt");
    expect(file).toMatchObject({ status: "renamed", oldPath: "old name.txt", newPath: "new name.txt" });
    expect(file.similarity).toBeGreaterThan(50);
    expect(file.hunks[0]?.lines.filter((l) => l.kind !== "context").map((l) => l.text)).toEqual(["please", "please!"]);
  });

  it("marks binary files and gives them no hunks", () => {
    expect(byPath("b.bin")).toMatchObject({ binary: true, hunks: [], status: "modified" });
  });

  it("reads a mode-only change", () => {
    expect(byPath("mode.sh")).toMatchObject({ status: "mode_changed", oldMode: "100644", newMode: "100755" });
  });

  it("attaches 'No newline at end of file' to the line before it", () => {
    const lines = byPath("noeol.txt").hunks[0]?.lines ?? [];
    expect(lines.map((l) => [l.kind, l.text, l.noNewline])).toEqual([
      ["del", "x", true],
      ["add", "y", true],
    ]);
  });

  it("decodes git's quoted non-ASCII names", () => {
    expect(byPath("é.txt").hunks[0]?.lines.map((l) => l.text)).toEqual(["é", "è"]);
    expect(unquote('"a/\\303\\251 \\"q\\".txt"')).toBe('a/é "q".txt');
    expect(unquote("plain")).toBe("plain");
  });

  it("keeps content lines that look like headers inside a hunk", () => {
    const text = [
      "diff --git a/x.md b/x.md",
      "--- a/x.md",
      "+++ b/x.md",
      "@@ -1,2 +1,2 @@",
      "--- not a header",
      "+++ not a header either",
      " diff --git a/y b/y",
      "",
    ].join("\n");
    const [file] = parseUnifiedDiff(text);
    expect(file?.hunks[0]?.lines.map((l) => [l.kind, l.text])).toEqual([
      ["del", "-- not a header"],
      ["add", "++ not a header either"],
      ["context", "diff --git a/y b/y"],
    ]);
  });

  it("survives a diff cut in the middle of a hunk and an empty input", () => {
    const [file] = parseUnifiedDiff("diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,9 +1,9 @@\n same\n-old\n");
    expect(file?.hunks[0]?.lines).toHaveLength(2);
    expect(renderedLines(file as ParsedDiffFile)).toBe(3);
    expect(parseUnifiedDiff("")).toEqual([]);
  });
});

describe("splitRows", () => {
  it("pairs deletions with the additions that follow and puts context on both sides", () => {
    const hunk = byPath("a.txt").hunks[0];
    if (hunk === undefined) throw new Error("no hunk");
    const rows = splitRows(hunk).map((row) => [row.left?.text ?? null, row.right?.text ?? null]);
    expect(rows).toEqual([
      ["one", "one"],
      ["two", "TWO"],
      ["three", "three"],
      [null, "four"],
    ]);
  });

  it("leaves blank cells on the shorter side of an uneven change block", () => {
    const [file] = parseUnifiedDiff(
      "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,3 +1,1 @@\n-a\n-b\n-c\n+z\n@@ -10,0 +9,2 @@\n+p\n+q\n",
    );
    const [first, second] = file?.hunks ?? [];
    if (first === undefined || second === undefined) throw new Error("expected two hunks");
    expect(splitRows(first).map((r) => [r.left?.oldNo ?? null, r.right?.newNo ?? null])).toEqual([
      [1, 1],
      [2, null],
      [3, null],
    ]);
    expect(splitRows(second).map((r) => [r.left, r.right?.text])).toEqual([
      [null, "p"],
      [null, "q"],
    ]);
  });
});

describe("flat rows", () => {
  it("put each hunk header before its lines, in both views", () => {
    const [file] = parseUnifiedDiff(
      "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n-a\n+b\n c\n@@ -9 +9 @@ f()\n-d\n+e\n",
    );
    const hunks = file?.hunks ?? [];
    expect(unifiedRows(hunks).map((r) => (r.type === "hunk" ? r.hunk.section || "@@" : r.line.text))).toEqual([
      "@@",
      "a",
      "b",
      "c",
      "f()",
      "d",
      "e",
    ]);
    const split = sideBySideRows(hunks).map((r) => (r.type === "hunk" ? "@@" : `${r.left?.text}|${r.right?.text}`));
    expect(split).toEqual(["@@", "a|b", "c|c", "@@", "d|e"]);
  });
});
