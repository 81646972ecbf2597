/** code.tree in git repositories and plain directories: ignores, hidden files, order, limits. */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type CodeProject, createCodeProject } from "./support/code-project.ts";

let project: CodeProject | undefined;
afterEach(() => {
  project?.dispose();
});

const FILES = {
  ".gitignore": "build/\n*.log\n",
  ".env": "SECRET=1\n",
  "README.md": "# demo\n",
  "app.log": "noise\n",
  "build/out.js": "compiled\n",
  "src/a-b.py": "a\n",
  "src/a/inner.py": "inner\n",
  "src/main.py": "print(1)\n",
  "src/.cache/x": "hidden\n",
};

const paths = (entries: { path: string }[]) => entries.map((entry) => entry.path);

describe.each([
  { kind: "git repository", git: true },
  { kind: "plain directory", git: false },
])("code.tree in a $kind", ({ git }) => {
  const setup = async () => {
    project = await createCodeProject({ git });
    project.files(FILES);
    if (git) project.git("add", "README.md", "src/main.py");
    return project;
  };

  it("lists files and directories in path order, skipping ignored and hidden ones", async () => {
    const p = await setup();
    const result = await p.tree();
    expect(result.truncated).toBe(false);
    expect(paths(result.entries)).toEqual(["README.md", "src", "src/a", "src/a/inner.py", "src/a-b.py", "src/main.py"]);
    expect(result.entries[0]).toEqual({ path: "README.md", type: "file", size: 7 });
    expect(result.entries[1]).toEqual({ path: "src", type: "directory", size: 0 });
  });

  it("with hidden, lists dotfiles and ignored files too, but never .git", async () => {
    const p = await setup();
    const listed = paths((await p.tree({ hidden: true })).entries);
    expect(listed).toEqual([
      ".env",
      ".gitignore",
      "README.md",
      "app.log",
      "build",
      "build/out.js",
      "src",
      "src/.cache",
      "src/.cache/x",
      "src/a",
      "src/a/inner.py",
      "src/a-b.py",
      "src/main.py",
    ]);
  });

  it("limits to a subdirectory", async () => {
    const p = await setup();
    expect(paths((await p.tree({ path: "src/a" })).entries)).toEqual(["src/a/inner.py"]);
    expect(paths((await p.tree({ path: "src/", hidden: true })).entries)).toContain("src/.cache/x");
  });

  it("stops at the limit and says so", async () => {
    const p = await setup();
    const result = await p.tree({ limit: 3 });
    expect(paths(result.entries)).toEqual(["README.md", "src", "src/a"]);
    expect(result.truncated).toBe(true);
    expect((await p.tree({ limit: 6 })).truncated).toBe(false);
  });

  it("refuses a missing directory, a file and paths outside the project", async () => {
    const p = await setup();
    await expect(p.tree({ path: "nope" })).rejects.toMatchObject({ code: "not_found" });
    await expect(p.tree({ path: "README.md" })).rejects.toMatchObject({ code: "bad_request" });
    await expect(p.tree({ path: ".." })).rejects.toMatchObject({ code: "forbidden" });
    await expect(p.tree({ path: "/etc" })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("code.tree specifics", () => {
  it("reports symlinks without following them", async () => {
    project = await createCodeProject();
    project.files({ "a.txt": "a" });
    execFileSync("ln", ["-s", "/etc", path.join(project.root, "etc")]);
    const result = await project.tree({ hidden: true });
    expect(result.entries).toEqual([
      { path: "a.txt", type: "file", size: 1 },
      { path: "etc", type: "symlink", size: 4 },
    ]);
  });

  it("lists empty directories outside git", async () => {
    project = await createCodeProject();
    mkdirSync(path.join(project.root, "empty"));
    expect(paths((await project.tree()).entries)).toEqual(["empty"]);
  });

  it("applies nested .gitignore files outside git", async () => {
    project = await createCodeProject();
    project.files({ "pkg/.gitignore": "*.tmp\n", "pkg/keep.txt": "k", "pkg/drop.tmp": "d", "top.tmp": "t" });
    expect(paths((await project.tree()).entries)).toEqual(["pkg", "pkg/keep.txt", "top.tmp"]);
    expect(paths((await project.tree({ path: "pkg" })).entries)).toEqual(["pkg/keep.txt"]);
  });

  it("in git, omits files deleted from the work tree and respects .git/info/exclude", async () => {
    project = await createCodeProject({ git: true });
    project.files({ "gone.txt": "g", "kept.txt": "k", "local.txt": "l", ".git/info/exclude": "local.txt\n" });
    project.git("add", "gone.txt", "kept.txt");
    execFileSync("rm", [path.join(project.root, "gone.txt")]);
    expect(paths((await project.tree()).entries)).toEqual(["kept.txt"]);
  });
});
