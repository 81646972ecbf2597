/** code.search in git repositories and plain directories: literal, regex, case, context, limits. */
import { afterEach, describe, expect, it } from "vitest";
import { type CodeProject, createCodeProject } from "./support/code-project.ts";

let project: CodeProject | undefined;
afterEach(() => {
  project?.dispose();
});

const FILES = {
  ".gitignore": "ignored/\n",
  "ignored/hit.py": "needle\n",
  "src/app.py": "import os\n\ndef main():\n    return needle(1)\n# end\n",
  "src/notes.txt": "Needle in caps\nthe (needle) again\n",
  "src/blob.bin": Buffer.concat([Buffer.from("needle"), Buffer.from([0, 1, 2])]),
  ".github/ci.yml": "run: needle\n",
  "unicode.txt": "ÉCOLE été\n",
};

const where = (matches: { path: string; line: number; column: number }[]) =>
  matches.map((m) => `${m.path}:${m.line}:${m.column}`);

describe.each([
  { kind: "git repository", git: true },
  { kind: "plain directory", git: false },
])("code.search in a $kind", ({ git }) => {
  const setup = async () => {
    project = await createCodeProject({ git });
    project.files(FILES);
    if (git) project.git("add", "src/app.py");
    return project;
  };

  it("finds a literal with line, 1-based column and context, skipping binary and ignored files", async () => {
    const p = await setup();
    const result = await p.search({ query: "needle" });
    expect(where(result.matches)).toEqual([".github/ci.yml:1:6", "src/app.py:4:12", "src/notes.txt:2:6"]);
    expect(result.matches[1]).toEqual({
      path: "src/app.py",
      line: 4,
      column: 12,
      text: "    return needle(1)",
      before: ["", "def main():"],
      after: ["# end"],
    });
    expect(result.truncated).toBe(false);
  });

  it("treats regex characters in a literal query literally", async () => {
    const p = await setup();
    expect(where((await p.search({ query: "(needle)" })).matches)).toEqual(["src/notes.txt:2:5"]);
    expect((await p.search({ query: "need.e" })).matches).toEqual([]);
  });

  it("matches case-insensitively on request, also beyond ASCII", async () => {
    const p = await setup();
    expect(where((await p.search({ query: "NEEDLE", caseSensitive: false, path: "src" })).matches)).toEqual([
      "src/app.py:4:12",
      "src/notes.txt:1:1",
      "src/notes.txt:2:6",
    ]);
    expect(where((await p.search({ query: "école", caseSensitive: false })).matches)).toEqual(["unicode.txt:1:1"]);
    expect((await p.search({ query: "école" })).matches).toEqual([]);
  });

  it("runs JavaScript regular expressions", async () => {
    const p = await setup();
    const result = await p.search({ query: String.raw`needle\(\d\)`, regex: true });
    expect(where(result.matches)).toEqual(["src/app.py:4:12"]);
    const lookahead = await p.search({ query: "e(?=\\s+in)", regex: true, context: 0 });
    expect(lookahead.matches).toEqual([
      { path: "src/notes.txt", line: 1, column: 6, text: "Needle in caps", before: [], after: [] },
    ]);
    expect(where((await p.search({ query: "\\u00e9t\\u00e9", regex: true })).matches)).toEqual(["unicode.txt:1:7"]);
  });

  it("refuses an invalid regex with its error", async () => {
    const p = await setup();
    await expect(p.search({ query: "needle(", regex: true })).rejects.toMatchObject({
      code: "bad_request",
      message: expect.stringContaining("Unterminated group"),
    });
  });

  it("stops at the limit and says so", async () => {
    const p = await setup();
    const result = await p.search({ query: "needle", limit: 2 });
    expect(result.matches).toHaveLength(2);
    expect(result.truncated).toBe(true);
  });

  it("never takes a query as an option", async () => {
    const p = await setup();
    p.files({ "flags.txt": "--help and -v\n" });
    expect(where((await p.search({ query: "--help" })).matches)).toEqual(["flags.txt:1:1"]);
    expect(where((await p.search({ query: "-v" })).matches)).toEqual(["flags.txt:1:12"]);
  });

  it("searches one directory or one file, and refuses what is outside", async () => {
    const p = await setup();
    expect(where((await p.search({ query: "needle", path: "src/app.py" })).matches)).toEqual(["src/app.py:4:12"]);
    await expect(p.search({ query: "x", path: "missing" })).rejects.toMatchObject({ code: "not_found" });
    await expect(p.search({ query: "root", path: "../../../etc" })).rejects.toMatchObject({ code: "forbidden" });
  });
});
