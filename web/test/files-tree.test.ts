/**
 * The Files view's tree, fed with what code.tree really answers: the agent's
 * own listing of a temporary git repository with a .gitignore, nested
 * folders, a dotfile and an empty folder (git lists no directory entries
 * for it, so folders must also be derived from file paths).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listEntries } from "../../agent/src/operations/code/listing.ts";
import { ancestorsOf, buildTree, moveFocus, type TreeEntry, visibleRows } from "../src/lib/files/tree.ts";

let dir: string;
let gitView: TreeEntry[];
let everything: TreeEntry[];

const write = (name: string, content = "x\n") => {
  mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
  writeFileSync(path.join(dir, name), content);
};

beforeAll(async () => {
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), "att-web-tree-")));
  execFileSync("git", ["init", "--quiet", "--initial-branch=main"], { cwd: dir });
  write(".gitignore", "build/\n*.log\n");
  write("README.md", "# hi\n");
  write("src/app/register.py", "print('hi')\n");
  write("src/app/__init__.py", "");
  write("src/app/file10.py");
  write("src/app/file9.py");
  write("src/zeta.py");
  write("configs/config.yml", "a: 1\n");
  write("build/out.bin");
  write("debug.log");
  write(".env", "A=1\n");
  mkdirSync(path.join(dir, "empty"));
  const options = { root: dir, dir: "", limit: 10_000 };
  gitView = (await listEntries({ ...options, dotfiles: false, ignored: false })).entries;
  everything = (await listEntries({ ...options, dotfiles: true, ignored: true })).entries;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("buildTree", () => {
  it("nests git's listing, folders first, names in natural order, ignored files left out", () => {
    const rows = visibleRows(buildTree(gitView), new Set(["src", "src/app"]));
    expect(rows.map((row) => `${"  ".repeat(row.level - 1)}${row.name}`)).toEqual([
      "configs",
      "src",
      "  app",
      "    __init__.py",
      "    file9.py",
      "    file10.py",
      "    register.py",
      "  zeta.py",
      "README.md",
    ]);
  });

  it("shows dotfiles, ignored files and empty folders when hidden files are asked for", () => {
    const names = visibleRows(buildTree(everything), new Set(["build"])).map((row) => row.path);
    expect(names).toEqual(
      expect.arrayContaining([".env", ".gitignore", "build", "build/out.bin", "debug.log", "empty"]),
    );
    const empty = visibleRows(buildTree(everything), new Set()).find((row) => row.path === "empty");
    expect(empty).toMatchObject({ type: "directory", hasChildren: false });
  });

  it("derives folders the list leaves out and keeps sizes and types of listed entries", () => {
    const entries: TreeEntry[] = [
      { path: "a/b/c.txt", type: "file", size: 3 },
      { path: "a", type: "directory", size: 0 },
      { path: "link", type: "symlink", size: 7 },
    ];
    const rows = visibleRows(buildTree(entries), new Set(["a", "a/b"]));
    expect(rows.map((row) => [row.path, row.type, row.size, row.parent])).toEqual([
      ["a", "directory", 0, ""],
      ["a/b", "directory", 0, "a"],
      ["a/b/c.txt", "file", 3, "a/b"],
      ["link", "symlink", 7, ""],
    ]);
  });

  it("gives each row its ARIA level, position and set size", () => {
    const rows = visibleRows(buildTree(gitView), new Set(["src"]));
    const app = rows.find((row) => row.path === "src/app");
    const zeta = rows.find((row) => row.path === "src/zeta.py");
    expect(app).toMatchObject({ level: 2, position: 1, siblings: 2, expanded: false, hasChildren: true });
    expect(zeta).toMatchObject({ level: 2, position: 2, siblings: 2 });
    expect(rows.some((row) => row.path.startsWith("src/app/"))).toBe(false);
  });
});

describe("keyboard", () => {
  const rows = () => visibleRows(buildTree(gitView), new Set(["src"]));
  const at = (p: string) => rows().findIndex((row) => row.path === p);

  it("moves with the arrows, Home and End", () => {
    expect(moveFocus(rows(), 0, "ArrowDown")).toEqual({ index: 1 });
    expect(moveFocus(rows(), 0, "ArrowUp")).toBeNull();
    expect(moveFocus(rows(), 2, "Home")).toEqual({ index: 0 });
    expect(moveFocus(rows(), 0, "End")).toEqual({ index: rows().length - 1 });
    expect(moveFocus(rows(), rows().length - 1, "ArrowDown")).toBeNull();
    expect(moveFocus(rows(), 0, "a")).toBeNull();
  });

  it("opens, enters, closes and leaves folders with right and left", () => {
    expect(moveFocus(rows(), at("src/app"), "ArrowRight")).toEqual({ toggle: "src/app" });
    expect(moveFocus(rows(), at("src"), "ArrowRight")).toEqual({ index: at("src") + 1 });
    expect(moveFocus(rows(), at("src"), "ArrowLeft")).toEqual({ toggle: "src" });
    expect(moveFocus(rows(), at("src/zeta.py"), "ArrowLeft")).toEqual({ index: at("src") });
    expect(moveFocus(rows(), at("README.md"), "ArrowLeft")).toBeNull();
    expect(moveFocus(rows(), at("README.md"), "ArrowRight")).toBeNull();
  });
});

describe("ancestorsOf", () => {
  it("lists the folders of a path, outermost first", () => {
    expect(ancestorsOf("src/app/register.py")).toEqual(["src", "src/app"]);
    expect(ancestorsOf("README.md")).toEqual([]);
  });
});
